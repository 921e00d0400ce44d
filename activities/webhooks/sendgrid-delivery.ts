/**
 * One SendGrid delivery, judged before anything is stored: the signature (unless the connector
 * allows unsigned requests), the JSON, every event's required fields. What passes becomes an inbox
 * delivery, each event marked for quarantine when it arrived outside its window.
 */
import { z } from 'zod';
import type { SourceConfig } from '../../domain/connector';
import type { InboxDelivery } from '../store/inbox';
import { quarantineReasonFor } from './freshness';
import { sendgridEventArraySchema } from './sendgrid-events';
import { verifySendgridSignature, type SignedRequest } from './signature';

type SendgridConfig = Extract<SourceConfig, { kind: 'sendgrid' }>;

export interface EventIssue {
  /** Where in the body: `[3].sg_event_id`, or `(body)` for the array itself. */
  path: string;
  message: string;
  /** zod's rule name: invalid_type, too_small… */
  rule: string;
}

export type DeliveryVerdict =
  | { outcome: 'unauthorized'; reason: string }
  | { outcome: 'not-json' }
  | { outcome: 'invalid'; issues: EventIssue[] }
  | { outcome: 'accepted'; delivery: InboxDelivery };

export interface IncomingDelivery extends SignedRequest {
  connectorId: string;
  receivedAt: Date;
}

export function judgeSendgridDelivery(config: SendgridConfig, incoming: IncomingDelivery): DeliveryVerdict {
  const { publicKey } = config;
  const signed = incoming.signature !== undefined || incoming.timestamp !== undefined;
  // A connector that allows unsigned requests still checks a signature that is there.
  if (publicKey !== undefined && (signed || !config.allowUnsigned)) {
    const verdict = verifySendgridSignature(publicKey, incoming, incoming.receivedAt);
    if (!verdict.valid) return { outcome: 'unauthorized', reason: verdict.reason };
  } else if (!config.allowUnsigned) {
    return { outcome: 'unauthorized', reason: 'the connector has no public key and does not allow unsigned requests' };
  }

  let body: unknown;
  try {
    body = JSON.parse(incoming.rawBody.toString('utf8'));
  } catch {
    return { outcome: 'not-json' };
  }
  const parsed = sendgridEventArraySchema.safeParse(body);
  if (!parsed.success) return { outcome: 'invalid', issues: parsed.error.issues.map(toEventIssue) };

  return {
    outcome: 'accepted',
    delivery: {
      connectorId: incoming.connectorId,
      receivedAt: incoming.receivedAt,
      events: parsed.data.map((event) => ({
        eventId: event.sg_event_id,
        email: event.email,
        payload: event,
        quarantineReason: quarantineReasonFor(event.timestamp, incoming.receivedAt),
      })),
    },
  };
}

function toEventIssue(issue: z.core.$ZodIssue): EventIssue {
  const [index, ...field] = issue.path;
  const path = typeof index === 'number' ? `[${index}]${field.map((key) => `.${String(key)}`).join('')}` : '(body)';
  return { path, message: issue.message, rule: issue.code };
}
