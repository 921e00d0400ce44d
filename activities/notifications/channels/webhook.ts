/**
 * Signed outbound webhooks. The body is the message as JSON; the signature is
 * HMAC-SHA256(signingSecret, `${timestamp}.${body}`) in hex, sent as `X-Insight-Hub-Signature: v1=<hex>`
 * with the Unix timestamp (seconds) in `X-Insight-Hub-Timestamp`. A receiver recomputes it over the
 * raw body, compares in constant time, and refuses a timestamp more than 5 minutes old (a replay).
 */
import { createHmac } from 'node:crypto';
import type { NotificationMessage } from '../../../domain/notifications';
import { postJson } from './http-post';

export const SIGNATURE_HEADER = 'X-Insight-Hub-Signature';
export const TIMESTAMP_HEADER = 'X-Insight-Hub-Timestamp';
/** The same for every delivery of one event: a receiver deduplicates by it. */
export const EVENT_ID_HEADER = 'X-Insight-Hub-Event-Id';

export function webhookSignature(signingSecret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', signingSecret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function sendWebhook(target: { url: string; signingSecret: string }, message: NotificationMessage, now: Date): Promise<void> {
  const body = JSON.stringify(message);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  await postJson(target.url, body, {
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: webhookSignature(target.signingSecret, timestamp, body),
    [EVENT_ID_HEADER]: message.eventId,
  });
}
