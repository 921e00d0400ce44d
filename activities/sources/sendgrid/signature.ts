/**
 * SendGrid's signed Event Webhook: ECDSA P-256 / SHA-256 over the timestamp header followed by the
 * raw body, base64 DER signature, verified with node:crypto (OpenSSL) — the check SendGrid's own
 * library makes in pure JavaScript, several times slower; test/webhooks/signature-equivalence.test.ts
 * holds the two to the same answers. No age is part of the signature, so a timestamp header outside
 * SIGNATURE_MAX_AGE_SECONDS is refused here: a captured request cannot be replayed later.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { EventWebhookHeader } from '@sendgrid/eventwebhook';
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
  const verified = verifyEcdsaSignature(publicKey, timestamp, rawBody, signature);
  return verified
    ? { valid: true }
    : { valid: false, reason: 'the signature does not match the body, the timestamp and the connector’s public key' };
}

/**
 * The cryptographic check alone, as `EventWebhook.verifySignature(convertPublicKeyToECDSA(key), …)`
 * answers it: the public key as SendGrid shows it (bare base64 DER or PEM), the signature as base64
 * DER. The library hashes the body decoded as UTF-8; this hashes the bytes sent, the same for every
 * body the webhook accepts (it refuses one that is not UTF-8).
 */
export function verifyEcdsaSignature(publicKey: string, timestamp: string, rawBody: Buffer, signature: string): boolean {
  try {
    const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
    return verify('sha256', signed, { key: publicKeyObject(publicKey), dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    // A key or a signature that is not DER at all: as wrong as a mismatch.
    return false;
  }
}

/** Parsed keys by their text: a connector's key is parsed once, not on every delivery. */
const parsedKeys = new Map<string, KeyObject>();
/** Connectors' keys are few; past this many, a key that is no longer used costs one parse again. */
const MAX_PARSED_KEYS = 1_000;

function publicKeyObject(publicKey: string): KeyObject {
  let key = parsedKeys.get(publicKey);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.from(normalisePublicKey(publicKey), 'base64'), format: 'der', type: 'spki' });
    if (parsedKeys.size >= MAX_PARSED_KEYS) parsedKeys.clear();
    parsedKeys.set(publicKey, key);
  }
  return key;
}
