/**
 * One SendGrid delivery, judged before anything is stored: the signature (unless the connector
 * allows unsigned requests), the media type, the JSON, then each event on its own — storable text
 * and bounded nesting (domain/json-input.ts), the fields every event carries. One bad event does not
 * cost the others: SendGrid retries a refused batch for 24 hours and then drops it, valid events
 * included. What passes becomes an inbox delivery, each event marked for quarantine when it arrived
 * outside its window; what does not is refused with where and why.
 */
import { z } from 'zod';
import { decodeJson, jsonProblems, notJsonMediaType, pathSegmentText, type JsonPath } from '../../../domain/json-input';
import type { InboxDelivery, InboxEventInput } from '../../store/inbox';
import type { SendgridSourceConfig } from './definition';
import { MAX_EVENTS_PER_REQUEST, sendgridEventSchema } from './events';
import { quarantineReasonFor } from './freshness';
import { verifySendgridSignature, type SignedRequest } from './signature';

export interface EventIssue {
  /** Where in the body: `[3].sg_event_id`, or `(body)` for the array itself. */
  path: string;
  message: string;
  /** zod's rule name: invalid_type, too_small… */
  rule: string;
}

/** A webhook delivery refused as a whole, before any event in it is stored (SendGrid's and Zendesk's alike). */
export type DeliveryRefusal =
  | { outcome: 'unauthorized'; reason: string }
  | { outcome: 'unsupported-media-type'; reason: string }
  | { outcome: 'not-json'; issue: EventIssue }
  /** The body is no event (array): not one, empty, too long; nothing in it is judged. */
  | { outcome: 'invalid'; issues: EventIssue[] };

export type DeliveryVerdict =
  | DeliveryRefusal
  /** The valid events, maybe none, and what is wrong with the others (`refused`: how many; `issues`: where and why). */
  | { outcome: 'judged'; delivery: InboxDelivery; refused: number; issues: EventIssue[] };

export interface IncomingDelivery extends SignedRequest {
  connectorId: string;
  receivedAt: Date;
  /** The Content-Type header as sent. */
  contentType: string | undefined;
}

/** The body as a whole: an array of 1 to MAX_EVENTS_PER_REQUEST items, each judged on its own after. */
const eventBatchSchema = z
  .array(z.unknown(), { error: 'must be a JSON array of events' })
  .min(1, 'must hold at least one event')
  .max(MAX_EVENTS_PER_REQUEST, `must hold at most ${MAX_EVENTS_PER_REQUEST} events`);

/** Issues listed per response: a batch of 10,000 bad events is not answered with 10,000 issues. */
const MAX_LISTED_ISSUES = 100;

export function judgeSendgridDelivery(config: SendgridSourceConfig, incoming: IncomingDelivery): DeliveryVerdict {
  const { publicKey } = config;
  const signed = incoming.signature !== undefined || incoming.timestamp !== undefined;
  // A connector that allows unsigned requests still checks a signature that is there.
  if (publicKey !== undefined && (signed || !config.allowUnsigned)) {
    const verdict = verifySendgridSignature(publicKey, incoming, incoming.receivedAt);
    if (!verdict.valid) return { outcome: 'unauthorized', reason: verdict.reason };
  } else if (!config.allowUnsigned) {
    return { outcome: 'unauthorized', reason: 'the connector has no public key and does not allow unsigned requests' };
  }

  const notJson = notJsonMediaType(incoming.contentType);
  if (notJson) return { outcome: 'unsupported-media-type', reason: notJson };
  const decoded = decodeJson(incoming.rawBody);
  if (!decoded.ok) return { outcome: 'not-json', issue: { path: '(body)', message: decoded.message, rule: decoded.rule } };
  const batch = eventBatchSchema.safeParse(decoded.value);
  if (!batch.success) return { outcome: 'invalid', issues: batch.error.issues.map((issue) => eventIssue([], issue.message, issue.code)) };

  const events: InboxEventInput[] = [];
  const issues: EventIssue[] = [];
  let refused = 0;
  for (const [index, item] of batch.data.entries()) {
    const judged = judgeEvent(item, index, incoming.receivedAt);
    if ('issues' in judged) {
      refused += 1;
      issues.push(...judged.issues.slice(0, Math.max(0, MAX_LISTED_ISSUES - issues.length)));
    } else events.push(judged);
  }
  return { outcome: 'judged', delivery: { connectorId: incoming.connectorId, receivedAt: incoming.receivedAt, events }, refused, issues };
}

/**
 * The event schema's checks without its copy of the event: the fields it names are checked alike,
 * the others (custom arguments) are kept as sent instead of copied key by key, and the drain reads
 * the payload through the full schema again (mapInboxEvent).
 */
const sendgridEventChecks = sendgridEventSchema.strip();

/** One event: storable and not nested too deep first (its custom arguments are free-form), then its fields. */
function judgeEvent(item: unknown, index: number, receivedAt: Date): InboxEventInput | { issues: EventIssue[] } {
  const problems = jsonProblems(item);
  if (problems.length > 0)
    return { issues: problems.map((problem) => eventIssue([index, ...problem.path], problem.message, problem.rule)) };
  const parsed = sendgridEventChecks.safeParse(item);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((issue) =>
        eventIssue([index, ...issue.path.filter((key) => typeof key !== 'symbol')], issue.message, issue.code),
      ),
    };
  }
  const event = parsed.data;
  return {
    eventId: event.sg_event_id,
    email: event.email,
    // It parsed as an object schema: a JSON object.
    payload: item as Record<string, unknown>,
    quarantineReason: quarantineReasonFor(event.timestamp, receivedAt),
  };
}

/** `[3].sg_event_id`, or `(body)` for the array itself. */
function eventIssue(path: JsonPath, message: string, rule: string): EventIssue {
  const [index, ...field] = path;
  const where = typeof index === 'number' ? `[${index}]${field.map((key) => `.${pathSegmentText(key)}`).join('')}` : '(body)';
  return { path: where, message, rule };
}
