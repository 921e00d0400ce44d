/**
 * The webhook inbox: events are stored before the sender hears 2xx, once per (connector, event id),
 * and read back in arrival order by the drain. Sequence numbers travel as decimal strings: they are
 * BIGINTs, beyond what a JS number holds exactly.
 */
import { z } from 'zod';
import { parseInput } from './inputs';
import { insertedRow, rowsOf } from './query';
import type { SqlClient, SqlExecutor } from './sql-client';
import { timestamp } from './rows';
import { deleteInboxEventsBySubject } from './inbox-erasure';
import { groupCommit } from './group-commit';
import type { InboxReader } from '../sources/inbox-pages';

/**
 * The rules of an inbox event's fields, branded: a value of these types went through them. A
 * source's event schema builds on them (SendGrid's sg_event_id is an inboxEventIdSchema), so what the
 * webhook's judging accepted the inbox takes as it is, without judging every event a second time.
 */
export const inboxEventIdSchema = z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters').brand<'InboxEventId'>();
export const inboxSubjectEmailSchema = z
  .string()
  // An empty address is told as that alone, not also as what a stricter check after it finds.
  .min(1, { error: 'must not be empty', abort: true })
  .max(320, 'must be at most 320 characters')
  .brand<'InboxSubjectEmail'>();
export const quarantineReasonSchema = z.string().min(1, 'must not be empty').brand<'QuarantineReason'>();

const inboxEventSchema = z.object({
  /** The sender's event id (SendGrid's sg_event_id, Zendesk's event id): a redelivery carries the same one. */
  eventId: inboxEventIdSchema,
  /** The address the event is about, so erasure can find it; null when it names none. Personal data: never logged. */
  email: inboxSubjectEmailSchema.nullable(),
  payload: z.record(z.string(), z.unknown()),
  /** Why the event goes to quarantine when drained; null when it is fine. */
  quarantineReason: quarantineReasonSchema.nullable(),
});

/** An event the inbox takes as it is: its id, address and reason are of the branded types above. */
export type InboxEventInput = z.output<typeof inboxEventSchema>;

/** An event from a caller whose values have not been through those schemas, checked: a bad field is refused by name. */
export const checkInboxEvent = (event: z.input<typeof inboxEventSchema>): InboxEventInput =>
  parseInput(inboxEventSchema, event, 'inbox event');

export interface InboxDelivery {
  connectorId: string;
  /** When the request arrived: one instant for the whole delivery. */
  receivedAt: Date;
  events: readonly InboxEventInput[];
}

export interface InboxReceipt {
  /** Events new to the inbox. */
  stored: number;
  /** Events it already held (redeliveries, or repeats within the delivery). */
  duplicates: number;
  /** Of the stored events, those marked for quarantine. */
  quarantined: number;
}

export interface InboxEvent {
  /** Position in the inbox, a decimal string; later events have greater numbers. */
  seq: string;
  eventId: string;
  payload: Record<string, unknown>;
  quarantineReason: string | null;
  receivedAt: string;
}

export interface InboxRepository {
  /**
   * Keeps a webhook delivery durably before the sender gets its 2xx: all of it or nothing, each event
   * once per (connector, event id), so a redelivery stores nothing new. Concurrent deliveries are
   * committed together (group commit), each one's events contiguous and in its order.
   */
  save(delivery: InboxDelivery): Promise<InboxReceipt>;
  /** A connector's inbox after `afterSeq` ("0": from the start), oldest first, at most `limit`. */
  read(connectorId: string, afterSeq: string, limit: number): Promise<InboxEvent[]>;
  /** Deletes the events of that email (erasure); 0 when the inbox does not exist yet. */
  eraseSubject(email: string): Promise<number>;
}

const SEQ = /^\d{1,19}$/;

/** What of a delivery its events' types do not already vouch for. */
const deliveryOriginSchema = z.object({ connectorId: z.uuid({ error: 'must be a UUID' }), receivedAt: z.date() });

/** The most events one read of the inbox returns. */
export const MAX_INBOX_READ = 10_000;

const readSchema = z.object({
  connectorId: z.uuid({ error: 'must be a UUID' }),
  afterSeq: z.string().regex(SEQ, 'must be an inbox sequence number'),
  limit: z.number().int().min(1).max(MAX_INBOX_READ),
});

const inboxRow = z
  .object({
    seq: z.string().regex(SEQ),
    event_id: z.string(),
    payload: z.record(z.string(), z.unknown()),
    quarantine_reason: z.string().nullable(),
    received_at: timestamp,
  })
  .transform((row): InboxEvent => ({
    seq: row.seq,
    eventId: row.event_id,
    payload: row.payload,
    quarantineReason: row.quarantine_reason,
    receivedAt: row.received_at,
  }));

/** Events per group commit: one statement of a few megabytes at most; a larger delivery goes alone. */
const MAX_EVENTS_PER_WRITE = 10_000;

/** The events an INSERT stored, as `<connector id> <event id>`: one row for the statement, not one per event. */
const insertedKeys = z.object({ keys: z.array(z.string()) });

/**
 * Deliveries (of any connectors) in one transaction and one INSERT, in the deliveries' order and each
 * delivery's, under the advisory lock of every connector among them (see migration 004), taken in one
 * order so two writers never wait on each other: committed or not at all.
 */
async function insertDeliveries(db: SqlClient, deliveries: readonly InboxDelivery[]): Promise<InboxReceipt[]> {
  const connectorIds = [...new Set(deliveries.map((delivery) => delivery.connectorId))];
  const inserted = await db.transaction(async (tx: SqlExecutor) => {
    // Volatile calls run after the sort: the locks are taken in key order.
    await tx.query(
      `SELECT pg_advisory_xact_lock(k)
         FROM (SELECT DISTINCT hashtextextended('webhook_inbox:' || c, 0) AS k FROM jsonb_array_elements_text($1::jsonb) AS c) AS locks
        ORDER BY k`,
      [JSON.stringify(connectorIds)],
    );
    return insertedRow(
      tx,
      insertedKeys,
      `WITH inserted AS (
         INSERT INTO webhook_inbox (connector_id, event_id, email, payload, quarantine_reason, received_at)
         SELECT (d.value->>'connectorId')::uuid, e.value->>'eventId', e.value->>'email', e.value->'payload', e.value->>'quarantineReason',
                (d.value->>'receivedAt')::timestamptz
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS d(value, position)
          CROSS JOIN LATERAL jsonb_array_elements(d.value->'events') WITH ORDINALITY AS e(value, position)
          ORDER BY d.position, e.position
         ON CONFLICT (connector_id, event_id) DO NOTHING
         RETURNING connector_id::text || ' ' || event_id AS key)
       SELECT coalesce(json_agg(key), '[]') AS keys FROM inserted`,
      [JSON.stringify(deliveries)],
    );
  });
  return receiptsOf(deliveries, inserted.keys);
}

/**
 * Each delivery's share of what one INSERT stored: the first occurrence of an event, in the
 * statement's order, is the one stored; a later one (in the same delivery or a later one) a duplicate.
 */
function receiptsOf(deliveries: readonly InboxDelivery[], insertedKeys: readonly string[]): InboxReceipt[] {
  const fresh = new Set(insertedKeys);
  return deliveries.map(({ connectorId, events }) => {
    let stored = 0;
    let quarantined = 0;
    for (const event of events) {
      if (!fresh.delete(`${connectorId.toLowerCase()} ${event.eventId}`)) continue;
      stored += 1;
      if (event.quarantineReason !== null) quarantined += 1;
    }
    return { stored, duplicates: events.length - stored, quarantined };
  });
}

/** Up to `limit` events of the connector after `afterSeq` ("0": from the start), oldest first. */
export async function readInboxEvents(db: SqlExecutor, connectorId: string, afterSeq: string, limit: number): Promise<InboxEvent[]> {
  const input = parseInput(readSchema, { connectorId, afterSeq, limit }, 'inbox read');
  return rowsOf(
    db,
    inboxRow,
    // Ordered by the column, not by its text alias: 10 sorts after 9.
    `SELECT seq::text AS seq, event_id, payload, quarantine_reason, received_at
       FROM webhook_inbox WHERE connector_id = $1 AND seq > $2::bigint ORDER BY webhook_inbox.seq LIMIT $3`,
    [input.connectorId, input.afterSeq, input.limit],
  );
}

export function sqlInbox(db: SqlClient): InboxRepository {
  // Deliveries from concurrent requests share one transaction; a delivery the database refuses fails alone.
  const save = groupCommit((deliveries: readonly InboxDelivery[]) => insertDeliveries(db, deliveries), {
    max: MAX_EVENTS_PER_WRITE,
    weight: (delivery) => delivery.events.length,
  });
  return {
    // Checked before it joins a group: a bad delivery is refused alone, naming its field. Its events
    // are not parsed again: their types say they passed the inbox's schemas (checkInboxEvent).
    save: async (delivery) => {
      parseInput(deliveryOriginSchema, delivery, 'webhook delivery');
      return save(delivery);
    },
    read: (connectorId, afterSeq, limit) => readInboxEvents(db, connectorId, afterSeq, limit),
    eraseSubject: (email) => deleteInboxEventsBySubject(db, email),
  };
}

/** The inbox as the push sources (SendGrid, Zendesk's webhooks) page through it. */
export const inboxReader = (inbox: Pick<InboxRepository, 'read'>): InboxReader => ({ readInboxEvents: inbox.read });
