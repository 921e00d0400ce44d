/**
 * Zendesk's signed webhooks: base64 HMAC-SHA256 under the webhook's signing secret over the
 * X-Zendesk-Webhook-Signature-Timestamp header followed by the raw body, as Zendesk documents it
 * (developer.zendesk.com/documentation/webhooks/verifying). Compared in constant time; a timestamp
 * outside SIGNATURE_MAX_AGE_SECONDS is refused, so a captured request cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';

/** A signature older than this, or this far in the future, is refused. */
export const SIGNATURE_MAX_AGE_SECONDS = 5 * 60;

export interface SignedZendeskRequest {
  signature: string | undefined;
  /** ISO-8601, as Zendesk sends it (`2025-01-08T10:12:07Z`). */
  timestamp: string | undefined;
  rawBody: Buffer;
}

export type ZendeskSignatureVerdict = { valid: true } | { valid: false; reason: string };

/** What Zendesk sends in the signature header for this timestamp and body. */
export function zendeskSignature(secret: string, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(timestamp, 'utf8').update(rawBody).digest('base64');
}

export function verifyZendeskSignature(secret: string, request: SignedZendeskRequest, now: Date): ZendeskSignatureVerdict {
  const { signature, timestamp, rawBody } = request;
  if (!signature || !timestamp) {
    return { valid: false, reason: 'the request is not signed: it needs the X-Zendesk-Webhook-Signature and its -Timestamp header' };
  }
  const signedAt = Date.parse(timestamp);
  if (Number.isNaN(signedAt)) return { valid: false, reason: 'the signature timestamp header is not an ISO-8601 time' };
  if (Math.abs(now.getTime() - signedAt) > SIGNATURE_MAX_AGE_SECONDS * 1000) {
    return {
      valid: false,
      reason: `the signature's timestamp is not within ${SIGNATURE_MAX_AGE_SECONDS / 60} minutes of now: a replayed or delayed request`,
    };
  }
  const expected = Buffer.from(zendeskSignature(secret, timestamp, rawBody), 'base64');
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { valid: true }
    : { valid: false, reason: 'the signature does not match the body, the timestamp and the connector’s signing secret' };
}
