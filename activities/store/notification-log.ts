/**
 * The notification log: each event raised for a person (its message rendered once), and each
 * delivery of it to a channel, keyed by event and channel. A delivery marked sent is never sent
 * again, however often Temporal retries the activity; failures are kept with their count and last
 * error, so a failing channel is visible through the API.
 */
import { z } from 'zod';
import { deliveryStatusSchema, notificationMessageSchema, type DeliveryStatus, type NotificationMessage } from '../../domain/notifications';
import { isUuid, limitSchema, parseInput } from './inputs';
import { columnsOf, rowsOf } from './query';
import { timestamp } from './rows';
import type { SqlExecutor } from './sql-client';

export interface NotificationDelivery {
  eventId: string;
  channelId: string;
  channelKind: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  updatedAt: string;
}

export interface LoggedNotification {
  message: NotificationMessage;
  deliveries: NotificationDelivery[];
}

export interface DeliveryFilter {
  channelId?: string;
  status?: DeliveryStatus;
  limit?: number;
}

export interface NotificationLog {
  /** Keeps the event (idempotent by its id: a retried raise changes nothing). */
  saveEvent(message: NotificationMessage): Promise<void>;
  getEvent(eventId: string): Promise<LoggedNotification | null>;
  /** An attempt begins: counted, unless the delivery was sent already (then false: send nothing). */
  beginAttempt(eventId: string, channelId: string, channelKind: string): Promise<boolean>;
  markSent(eventId: string, channelId: string, sentAt: string): Promise<void>;
  /** `final`: retries are over, the delivery failed. */
  markFailed(eventId: string, channelId: string, error: string, final: boolean): Promise<void>;
  /** Newest first. */
  listDeliveries(filter: DeliveryFilter): Promise<NotificationDelivery[]>;
}

const deliveryRow = z
  .object({
    event_id: z.string(),
    channel_id: z.string(),
    channel_kind: z.string(),
    status: deliveryStatusSchema,
    attempts: z.number(),
    last_error: z.string().nullable(),
    sent_at: timestamp.nullable(),
    updated_at: timestamp,
  })
  .transform((row): NotificationDelivery => ({
    eventId: row.event_id,
    channelId: row.channel_id,
    channelKind: row.channel_kind,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    sentAt: row.sent_at,
    updatedAt: row.updated_at,
  }));

const DELIVERY_COLUMNS = columnsOf(deliveryRow);

const messageRow = z.object({ message: notificationMessageSchema });
const claimedRow = z.object({ status: deliveryStatusSchema });

const filterSchema = z.object({
  channelId: z.string().optional(),
  status: deliveryStatusSchema.optional(),
  limit: limitSchema.default(100),
});

/** An error as the log keeps it: one line, bounded. */
const errorText = (error: string): string => error.replace(/\s+/g, ' ').slice(0, 1_000);

export function sqlNotificationLog(db: SqlExecutor): NotificationLog {
  const deliveries = (where: string, params: (string | number | null)[]) =>
    rowsOf(db, deliveryRow, `SELECT ${DELIVERY_COLUMNS} FROM notification_delivery ${where}`, params);

  return {
    async saveEvent(input) {
      const message = parseInput(notificationMessageSchema, input, 'notification');
      await db.query(
        `INSERT INTO notification_event (event_id, kind, connector_id, message, created_at)
         VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (event_id) DO NOTHING`,
        [message.eventId, message.kind, message.connectorId, JSON.stringify(message), message.occurredAt],
      );
    },

    async getEvent(eventId) {
      const [found] = await rowsOf(db, messageRow, 'SELECT message FROM notification_event WHERE event_id = $1', [eventId]);
      if (!found) return null;
      return { message: found.message, deliveries: await deliveries('WHERE event_id = $1 ORDER BY channel_id', [eventId]) };
    },

    async beginAttempt(eventId, channelId, channelKind) {
      const [row] = await rowsOf(
        db,
        claimedRow,
        `INSERT INTO notification_delivery (event_id, channel_id, channel_kind, status, attempts)
         VALUES ($1, $2, $3, 'sending', 1)
         ON CONFLICT (event_id, channel_id) DO UPDATE
           SET attempts = notification_delivery.attempts + CASE WHEN notification_delivery.status = 'sent' THEN 0 ELSE 1 END,
               status = CASE WHEN notification_delivery.status = 'sent' THEN 'sent' ELSE 'sending' END,
               updated_at = now()
         RETURNING status`,
        [eventId, channelId, channelKind],
      );
      return row?.status !== 'sent';
    },

    async markSent(eventId, channelId, sentAt) {
      await db.query(
        `UPDATE notification_delivery SET status = 'sent', last_error = NULL, sent_at = $3, updated_at = now()
          WHERE event_id = $1 AND channel_id = $2`,
        [eventId, channelId, sentAt],
      );
    },

    async markFailed(eventId, channelId, error, final) {
      await db.query(
        `UPDATE notification_delivery SET status = $3, last_error = $4, updated_at = now()
          WHERE event_id = $1 AND channel_id = $2 AND status <> 'sent'`,
        [eventId, channelId, final ? 'failed' : 'failing', errorText(error)],
      );
    },

    async listDeliveries(input) {
      const filter = parseInput(filterSchema, input, 'delivery filter');
      if (filter.channelId !== undefined && !isUuid(filter.channelId)) return [];
      return deliveries(
        `WHERE ($1::uuid IS NULL OR channel_id = $1::uuid) AND ($2::text IS NULL OR status = $2::text)
         ORDER BY updated_at DESC, event_id LIMIT $3`,
        [filter.channelId ?? null, filter.status ?? null, filter.limit],
      );
    },
  };
}
