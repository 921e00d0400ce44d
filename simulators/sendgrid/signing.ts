/**
 * SendGrid's side of the signed Event Webhook: a P-256 key pair, the public key as the SendGrid UI
 * shows it (base64 DER, no PEM armour), and the signature of timestamp + body as base64 DER ECDSA
 * over SHA-256 — byte for byte what SendGrid sends in its two headers.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface SendgridSigningKey {
  /** What an operator pastes into the connector's `publicKey`. */
  publicKey: string;
  /** The X-Twilio-Email-Event-Webhook-Signature value for this timestamp header and body. */
  sign(timestamp: string, body: string): string;
}

export function createSendgridSigningKey(): SendgridSigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    sign: (timestamp, body) => signWith(privateKey, timestamp, body),
  };
}

function signWith(privateKey: KeyObject, timestamp: string, body: string): string {
  return sign('sha256', Buffer.from(timestamp + body, 'utf8'), { key: privateKey, dsaEncoding: 'der' }).toString('base64');
}
