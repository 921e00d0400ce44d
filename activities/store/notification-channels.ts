/**
 * The notification_channel table: where people want to hear about events. A channel's secrets (a
 * webhook's signing secret, a Slack webhook URL, an SMTP password) are sealed with the key ring the
 * way connector credentials are, and opened only when read back here.
 */
import { z } from 'zod';
import {
  notificationChannelBodySchema,
  notificationKindSchema,
  notificationTargetSchema,
  type NotificationChannel,
  type NotificationChannelBody,
  type NotificationKind,
} from '../../domain/notifications';
import { openConfiguration, sealConfiguration, type KeyRing } from '../secrets';
import { isUuid, parseInput } from './inputs';
import { columnsOf, firstRowOf, insertedRow, rowsOf } from './query';
import { idRow, timestamp } from './rows';
import type { SqlExecutor } from './sql-client';

export interface NotificationChannelRepository {
  create(body: NotificationChannelBody): Promise<NotificationChannel>;
  /** Null for an unknown or malformed id. */
  get(id: string): Promise<NotificationChannel | null>;
  /** Oldest first. */
  list(): Promise<NotificationChannel[]>;
  /** Replaces the channel's settings; null when no channel has the id. */
  replace(id: string, body: NotificationChannelBody): Promise<NotificationChannel | null>;
  delete(id: string): Promise<boolean>;
  /** The enabled channels that want `kind` about this connector (null: a platform event): its own and the global ones. */
  subscribedTo(kind: NotificationKind, connectorId: string | null): Promise<NotificationChannel[]>;
}

const channelRow = (keys: KeyRing) =>
  z
    .object({
      id: z.string(),
      name: z.string(),
      connector_id: z.string().nullable(),
      events: z.array(notificationKindSchema),
      enabled: z.boolean(),
      target: z.unknown(),
      created_at: timestamp,
      updated_at: timestamp,
    })
    .transform((row): NotificationChannel => {
      const target = notificationTargetSchema.safeParse(openConfiguration(keys, row.target));
      if (!target.success) throw new Error(`stored target of notification channel ${row.id} is invalid: ${z.prettifyError(target.error)}`);
      return {
        id: row.id,
        name: row.name,
        connectorId: row.connector_id,
        events: row.events,
        enabled: row.enabled,
        target: target.data,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      };
    });

export function sqlNotificationChannels(db: SqlExecutor, keys: KeyRing): NotificationChannelRepository {
  const rows = channelRow(keys);
  const columns = columnsOf(rows);
  const values = (input: NotificationChannelBody) => {
    const body = parseInput(notificationChannelBodySchema, input, 'notification channel');
    return [body.name, body.connectorId, JSON.stringify(body.events), body.enabled, JSON.stringify(sealConfiguration(keys, body.target))];
  };

  return {
    async create(input) {
      return insertedRow(
        db,
        rows,
        `INSERT INTO notification_channel (name, connector_id, events, enabled, target)
         VALUES ($1, $2, $3::jsonb, $4, $5::jsonb) RETURNING ${columns}`,
        values(input),
      );
    },

    async get(id) {
      if (!isUuid(id)) return null;
      return firstRowOf(db, rows, `SELECT ${columns} FROM notification_channel WHERE id = $1`, [id]);
    },

    list: () => rowsOf(db, rows, `SELECT ${columns} FROM notification_channel ORDER BY created_at, id`),

    async replace(id, input) {
      if (!isUuid(id)) return null;
      return firstRowOf(
        db,
        rows,
        `UPDATE notification_channel
            SET name = $2, connector_id = $3, events = $4::jsonb, enabled = $5, target = $6::jsonb, updated_at = now()
          WHERE id = $1 RETURNING ${columns}`,
        [id, ...values(input)],
      );
    },

    async delete(id) {
      if (!isUuid(id)) return false;
      return (await rowsOf(db, idRow, 'DELETE FROM notification_channel WHERE id = $1 RETURNING id', [id])).length > 0;
    },

    subscribedTo(kind, connectorId) {
      return rowsOf(
        db,
        rows,
        `SELECT ${columns} FROM notification_channel
          WHERE enabled AND events ? $1 AND (connector_id IS NULL OR connector_id = $2::uuid)
          ORDER BY created_at, id`,
        [kind, connectorId],
      );
    },
  };
}
