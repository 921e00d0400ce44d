/**
 * The webhook inbox: events are stored before the sender hears 2xx, once per (connector, event id),
 * and read back in arrival order by the drain. Sequence numbers travel as decimal strings: they are
 * BIGINTs, beyond what a JS number holds exactly.
 */
import { z } from 'zod';
import { parseInput } from './inputs';
import { rowsOf } from './query';
import type { SqlClient, SqlExecutor } from './sql-client';
import { timestamp } from './rows';
import { deleteInboxEventsBySubject } from './inbox-erasure';
import type { InboxReader } from '../sources/sendgrid';

export interface InboxEventInput {
  /** The sender's event id (SendGrid's sg_event_id): a redelivery carries the same one. */
  eventId: string;
  /** The address the event is about, so erasure can find it. Personal data: never logged. */
  email: string;
  payload: Record<string, unknown>;
  /** Why the event goes to quarantine when drained; null when it is fine. */
  quarantineReason: string | null;
}

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
   * once per (connector, event id), so a redelivery stores nothing new.
   */
  save(delivery: InboxDelivery): Promise<InboxReceipt>;
  /** A connector's inbox after `afterSeq` ("0": from the start), oldest first, at most `limit`. */
  read(connectorId: string, afterSeq: string, limit: number): Promise<InboxEvent[]>;
  /** Deletes the events of that email (erasure); 0 when the inbox does not exist yet. */
  eraseSubject(email: string): Promise<number>;
}

const SEQ = /^\d{1,19}$/;

const deliverySchema = z.object({
  connectorId: z.uuid({ error: 'must be a UUID' }),
  receivedAt: z.date(),
  events: z.array(
    z.object({
      eventId: z.string().min(1).max(255),
      email: z.string().min(1).max(320),
      payload: z.record(z.string(), z.unknown()),
      quarantineReason: z.string().min(1).nullable(),
    }),
  ),
});

const readSchema = z.object({
  connectorId: z.uuid({ error: 'must be a UUID' }),
  afterSeq: z.string().regex(SEQ, 'must be an inbox sequence number'),
  limit: z.number().int().min(1).max(10_000),
});

const insertedRow = z.object({ quarantined: z.boolean() });
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

/**
 * One statement for the whole delivery, in the delivery's order, under the connector's advisory lock
 * (see migration 004): committed or not at all.
 */
export async function storeInboxEvents(db: SqlClient, delivery: InboxDelivery): Promise<InboxReceipt> {
  const { connectorId, receivedAt, events } = parseInput(deliverySchema, delivery, 'webhook delivery');
  const inserted = await db.transaction(async (tx: SqlExecutor) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('webhook_inbox:' || $1, 0))", [connectorId]);
    return rowsOf(
      tx,
      insertedRow,
      `INSERT INTO webhook_inbox (connector_id, event_id, email, payload, quarantine_reason, received_at)
       SELECT $1, e.value->>'eventId', e.value->>'email', e.value->'payload', e.value->>'quarantineReason', $2::timestamptz
         FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, position)
        ORDER BY e.position
       ON CONFLICT (connector_id, event_id) DO NOTHING
       RETURNING quarantine_reason IS NOT NULL AS quarantined`,
      [connectorId, receivedAt.toISOString(), JSON.stringify(events)],
    );
  });
  return {
    stored: inserted.length,
    duplicates: events.length - inserted.length,
    quarantined: inserted.filter((row) => row.quarantined).length,
  };
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
  return {
    save: (delivery) => storeInboxEvents(db, delivery),
    read: (connectorId, afterSeq, limit) => readInboxEvents(db, connectorId, afterSeq, limit),
    eraseSubject: (email) => deleteInboxEventsBySubject(db, email),
  };
}

/** The inbox as the SendGrid source pages through it. */
export const inboxReader = (inbox: Pick<InboxRepository, 'read'>): InboxReader => ({ readInboxEvents: inbox.read });
