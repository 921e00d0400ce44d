/**
 * SendGrid's signed Event Webhook: ECDSA P-256 / SHA-256 over the timestamp header followed by the
 * raw body, base64 DER signature, verified with SendGrid's own library. The library checks no age,
 * so a timestamp header outside SIGNATURE_MAX_AGE_SECONDS is refused here: a captured request
 * cannot be replayed later.
 */
import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
import { normalisePublicKey } from './definition';
import { FUTURE_SKEW_SECONDS } from './freshness';

export const SIGNATURE_HEADER = EventWebhookHeader.SIGNATURE().toLowerCase();
export const TIMESTAMP_HEADER = EventWebhookHeader.TIMESTAMP().toLowerCase();

export interface SignedRequest {
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer;
}

/** A signed request whose timestamp header is older than this is a replay and refused. */
export const SIGNATURE_MAX_AGE_SECONDS = 10 * 60;

export type SignatureVerdict = { valid: true } | { valid: false; reason: string };

const webhook = new EventWebhook();

export function verifySendgridSignature(publicKey: string, request: SignedRequest, now: Date = new Date()): SignatureVerdict {
  const { signature, timestamp, rawBody } = request;
  if (!signature || !timestamp) {
    return {
      valid: false,
      reason: `the request is not signed: it needs the ${EventWebhookHeader.SIGNATURE()} and ${EventWebhookHeader.TIMESTAMP()} headers`,
    };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { valid: false, reason: 'the timestamp header is not Unix seconds' };
  const age = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (age > SIGNATURE_MAX_AGE_SECONDS || age < -FUTURE_SKEW_SECONDS) {
    return {
      valid: false,
      reason: `the signature's timestamp is not within ${SIGNATURE_MAX_AGE_SECONDS / 60} minutes of now: a replayed or delayed request`,
    };
  }
  let verified: boolean;
  try {
    verified = webhook.verifySignature(webhook.convertPublicKeyToECDSA(normalisePublicKey(publicKey)), rawBody, signature, timestamp);
  } catch {
    // The library throws on a signature that is not base64 DER: as wrong as a mismatch.
    verified = false;
  }
  return verified
    ? { valid: true }
    : { valid: false, reason: 'the signature does not match the body, the timestamp and the connector’s public key' };
}
