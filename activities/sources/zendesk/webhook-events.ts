/**
 * Zendesk's ticket event webhooks (`zen:event-type:ticket.*`): one event per request, its `detail`
 * the ticket as it stands after the change. A request is judged before anything is stored: the
 * signature under the connector's signing secret, the media type, the JSON, then the event's fields;
 * what passes becomes an inbox delivery of one event keyed by Zendesk's event id (a redelivery
 * stores nothing new), and the drain maps it to a row of zendesk_tickets like an export page's.
 */
import { z } from 'zod';
import { decodeJson, jsonProblems, notJsonMediaType, pathSegmentText, type JsonPath } from '../../../domain/json-input';
import { inboxEventIdSchema, type InboxDelivery, type InboxEvent } from '../../store/inbox';
import type { DeliveryRefusal, EventIssue } from '../sendgrid/delivery';
import type { Row } from '../types';
import { ConnectorError } from '../../errors';
import type { SentimentByStatus } from './definition';
import { mapTicket } from './tickets';
import { verifyZendeskSignature, type SignedZendeskRequest } from './webhook-signature';

/** Zendesk writes ids in webhook payloads as strings ("5158"); the export writes numbers. */
const zendeskId = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be a Zendesk id')
    .transform(Number),
]);
const optionalId = zendeskId.nullish();
const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time' });
const text = z.string().max(10_000, 'must be at most 10,000 characters').nullish();
/** Upper case in webhooks (`OPEN`, `LOW`, `TASK`), lower case in the export. */
const lowerText = z
  .string()
  .max(100)
  .transform((value) => value.toLowerCase())
  .nullish();

const TICKET_EVENT = /^zen:event-type:ticket\.[a-z_]+$/;
const DELETED_EVENTS: ReadonlySet<string> = new Set(['zen:event-type:ticket.soft_deleted', 'zen:event-type:ticket.permanently_deleted']);

export const zendeskTicketEventSchema = z.looseObject({
  /** The inbox's own schema of an event id, so the event is one it takes as it is. */
  id: inboxEventIdSchema,
  type: z.string().regex(TICKET_EVENT, 'must be a ticket event type, zen:event-type:ticket.<change>'),
  time: isoTime,
  detail: z.looseObject({
    id: zendeskId,
    created_at: isoTime,
    updated_at: isoTime,
    status: lowerText,
    subject: text,
    priority: lowerText,
    type: lowerText,
    via: z.looseObject({ channel: z.string().max(100).nullish() }).nullish(),
    requester_id: optionalId,
    assignee_id: optionalId,
    group_id: optionalId,
    organization_id: optionalId,
    tags: z.array(z.string().max(255)).max(1_000).nullish(),
  }),
});
export type ZendeskTicketEvent = z.infer<typeof zendeskTicketEventSchema>;

export type ZendeskDeliveryVerdict = DeliveryRefusal | { outcome: 'accepted'; delivery: InboxDelivery };

export interface IncomingZendeskEvent extends SignedZendeskRequest {
  connectorId: string;
  receivedAt: Date;
  contentType: string | undefined;
}

const issueAt = (path: JsonPath, message: string, rule: string): EventIssue => ({
  path: path.length === 0 ? '(body)' : path.map(pathSegmentText).join('.'),
  message,
  rule,
});

/** Judges one webhook request; a connector without a signing secret takes none. */
export function judgeZendeskEvent(signingSecret: string | undefined, incoming: IncomingZendeskEvent): ZendeskDeliveryVerdict {
  if (signingSecret === undefined) {
    return {
      outcome: 'unauthorized',
      reason: "the connector has no signingSecret: copy the webhook's signing secret from Zendesk into it",
    };
  }
  const signature = verifyZendeskSignature(signingSecret, incoming, incoming.receivedAt);
  if (!signature.valid) return { outcome: 'unauthorized', reason: signature.reason };
  const notJson = notJsonMediaType(incoming.contentType);
  if (notJson) return { outcome: 'unsupported-media-type', reason: notJson };
  const decoded = decodeJson(incoming.rawBody);
  if (!decoded.ok) return { outcome: 'not-json', issue: { path: '(body)', message: decoded.message, rule: decoded.rule } };
  const problems = jsonProblems(decoded.value);
  if (problems.length > 0) return { outcome: 'invalid', issues: problems.map((p) => issueAt(p.path, p.message, p.rule)) };
  const parsed = zendeskTicketEventSchema.safeParse(decoded.value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) =>
      issueAt(
        issue.path.filter((key) => typeof key !== 'symbol'),
        issue.message,
        issue.code,
      ),
    );
    return { outcome: 'invalid', issues };
  }
  const event = parsed.data;
  return {
    outcome: 'accepted',
    delivery: {
      connectorId: incoming.connectorId,
      receivedAt: incoming.receivedAt,
      // Zendesk's event id is one per change: a retry of the request repeats it, so it is stored once.
      events: [{ eventId: event.id, email: null, payload: event, quarantineReason: null }],
    },
  };
}

/** One stored ticket event → one row of zendesk_tickets; the requester's email and name are the export's to fill. */
export function mapTicketEvent(stored: InboxEvent, table: SentimentByStatus): Row {
  const parsed = zendeskTicketEventSchema.safeParse(stored.payload);
  if (!parsed.success) {
    // The route validated it on the way in: a failure here is a schema change between versions.
    throw new ConnectorError('data', `inbox event ${stored.seq} no longer passes the Zendesk ticket event schema`);
  }
  const { detail, type } = parsed.data;
  return mapTicket({ ...detail, status: DELETED_EVENTS.has(type) ? 'deleted' : detail.status }, undefined, table);
}
