/**
 * The audit log (the spec's datawarehouseconnectorActivity, table connector_activity): every
 * decision and event of a connector, append-only. An event that also counts (a blocked batch, an
 * approval) is recorded with its day's counters in one transaction, and under a key at most once.
 */
import { activityEntrySchema, isUuid, limitSchema, parseInput } from './inputs';
import { groupCommit } from './group-commit';
import { addMetrics } from './metrics';
import { rowsOf } from './query';
import { recordOnce } from './recorded-effects';
import { activityRow } from './rows';
import type { SqlClient, SqlExecutor } from './sql-client';

export type Counters = Record<string, number>;

/** A connector as the audit log and the metrics name it (the platform's own entries use PLATFORM_AUDIT_ID). */
export interface ConnectorRef {
  connectorId: string;
  userId: string;
}

export interface AuditEvent {
  /** e.g. connector.created, cycle.completed, batch.blocked, batch.loaded, stream.deferred */
  activityType: string;
  details: Record<string, unknown>;
  /** Figures kept on the audit row itself. */
  metrics?: Counters;
}

export type ActivityEntry = ConnectorRef & AuditEvent;

export interface StoredActivity extends ActivityEntry {
  id: string;
  createdAt: string;
}

/** With `counters`, the UTC `day` they count on; with a `key`, written once per key however often recorded. */
export type AuditOptions = { key?: string } & ({ counters?: undefined; day?: undefined } | { counters: Counters; day: string });

export interface AuditLog {
  /**
   * Appends the event to the connector's audit log and adds `counters` to its metrics of `day`, in
   * one transaction. Under a `key` that was recorded before it writes neither: a retried activity
   * cannot audit or count twice. True when written.
   */
  record(connector: ConnectorRef, event: AuditEvent, options?: AuditOptions): Promise<boolean>;
  /** Newest first. */
  list(connectorId: string, limit?: number): Promise<StoredActivity[]>;
}

const ACTIVITY_COLUMNS = 5;

/** Appends checked entries in the order given (their seq follows it), in one statement. */
async function appendActivities(db: SqlExecutor, activities: readonly ActivityEntry[]): Promise<void> {
  const rows = activities.map((_, row) => {
    const at = row * ACTIVITY_COLUMNS;
    return `($${at + 1}::uuid, $${at + 2}, $${at + 3}, $${at + 4}::jsonb, $${at + 5}::jsonb)`;
  });
  await db.query(
    `INSERT INTO connector_activity (config_id, user_id, activity_type, details, metrics) VALUES ${rows.join(', ')}`,
    activities.flatMap((activity) => [
      activity.connectorId,
      activity.userId,
      activity.activityType,
      JSON.stringify(activity.details),
      activity.metrics === undefined ? null : JSON.stringify(activity.metrics),
    ]),
  );
}

/** Entries one group-committed statement appends at most (5 parameters each). */
const GROUP_COMMIT_MAX = 500;

/**
 * `groupCommit`: entries recorded without a key or counters, at the same moment, are appended
 * together (group-commit.ts) — for a store's own client only, never one inside a transaction, whose
 * entries must commit with it. Each `record` still resolves only once its entry is committed.
 */
export function sqlAuditLog(db: SqlClient, { groupCommit: grouped = false } = {}): AuditLog {
  const append = grouped
    ? groupCommit(
        async (entries: readonly ActivityEntry[]) => {
          await appendActivities(db, entries);
          return entries.map(() => undefined);
        },
        { max: GROUP_COMMIT_MAX },
      )
    : null;
  return {
    async record(connector, event, options = {}) {
      const ref = { connectorId: connector.connectorId, userId: connector.userId };
      // Checked here, so that an entry at fault fails alone, before it joins a group or a transaction.
      const entry = parseInput(activityEntrySchema, { ...ref, ...event }, 'activity entry');
      const write = async (tx: SqlExecutor) => {
        await appendActivities(tx, [entry]);
        if (options.counters) await addMetrics(tx, ref, options.day, options.counters);
      };
      if (options.key !== undefined) return recordOnce(db, options.key, write);
      if (options.counters) await db.transaction(write);
      else if (append) await append(entry);
      else await write(db);
      return true;
    },

    async list(connectorId, limit = 100) {
      if (!isUuid(connectorId)) return [];
      return rowsOf(
        db,
        activityRow,
        `SELECT id, config_id, user_id, activity_type, details, metrics, created_at
           FROM connector_activity WHERE config_id = $1 ORDER BY seq DESC LIMIT $2`,
        [connectorId, parseInput(limitSchema, limit, 'limit')],
      );
    },
  };
}
