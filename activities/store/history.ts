/**
 * The stored history as pages (spec 000 FR-003): the audit log, decided approvals, daily metrics and
 * outcomes, of some connectors or all, in a time window, newest first. Pages are keyed (the last
 * entry's sort key), so a page costs the same however deep it is.
 */
import { z } from 'zod';
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import { approvalResolutionSchema, pendingApprovalSchema } from './approval-schemas';
import type { StoredActivity } from './audit';
import type { StoredOutcome } from './outcomes';
import { rowsOf } from './query';
import { activityRow, outcomeRow, timestamp } from './rows';
import type { SqlExecutor, SqlParam } from './sql-client';

export interface HistoryFilter {
  /** null: every connector. */
  connectorIds: readonly string[] | null;
  /** The platform's own entries (API keys, refused requests): the audit log only. */
  includePlatform: boolean;
  /** Inclusive; null: no lower bound, from the first entry. */
  from: Date | null;
  /** Exclusive; null: no upper bound, every entry committed when the page is read. */
  to: Date | null;
  limit: number;
  /** The sort key of the previous page's last entry. */
  after?: readonly (string | number)[] | undefined;
}

export interface HistoryPage<T> {
  items: T[];
  /** The sort key of the last entry when there may be more; null on the last page. */
  nextKey: (string | number)[] | null;
}

export type AuditEntry = Omit<StoredActivity, 'metrics'> & { metrics: Record<string, number> | null };

type PendingApproval = z.infer<typeof pendingApprovalSchema>;
type ApprovalResolution = z.infer<typeof approvalResolutionSchema>;

export interface Decision {
  approvalId: string;
  connectorId: string;
  workflowId: string;
  stream: string;
  request: PendingApproval;
  resolution: ApprovalResolution;
  openedAt: string;
  decidedAt: string;
}

export interface ConnectorDay {
  connectorId: string;
  date: string;
  metrics: Record<string, number>;
}

export interface HistoryRepository {
  auditLog(filter: HistoryFilter): Promise<HistoryPage<AuditEntry>>;
  decisions(filter: HistoryFilter): Promise<HistoryPage<Decision>>;
  metrics(filter: HistoryFilter): Promise<HistoryPage<ConnectorDay>>;
  outcomes(filter: HistoryFilter): Promise<HistoryPage<StoredOutcome>>;
}

/** $1 the connectors as a JSON array (or null), $2/$3 the window (each bound or null), $4/$5 the previous page's key, $6 the page size + 1. */
const connectorIn = (column: string): string => `($1::jsonb IS NULL OR ${column}::text IN (SELECT jsonb_array_elements_text($1::jsonb)))`;
/**
 * `column` inside the window. A bound not asked for is null and planned away (each statement is
 * planned with its values), so a page without a window walks its sort key's index and stops after
 * a page. Given a ten-year bound instead, a planner without statistics — PGlite never gathers them
 * (it runs no autovacuum), PostgreSQL not until autovacuum's next pass after a bulk load — guessed
 * that few rows fall inside it, read them all through the created_at index and sorted them: 36 ms
 * for the audit log's 108k entries, against 0.1 ms (bench/README.md).
 */
const within = (column: string): string =>
  `($2::timestamptz IS NULL OR ${column} >= $2::timestamptz) AND ($3::timestamptz IS NULL OR ${column} < $3::timestamptz)`;

interface Listing<Row, T> {
  sql: (where: string) => string;
  row: z.ZodType<Row>;
  item: (row: Row) => T;
  key: (row: Row) => (string | number)[];
}

async function page<Row, T>(db: SqlExecutor, listing: Listing<Row, T>, filter: HistoryFilter, where: string): Promise<HistoryPage<T>> {
  const [first = null, second = null] = filter.after ?? [];
  const params: SqlParam[] = [
    filter.connectorIds === null ? null : JSON.stringify(filter.connectorIds),
    filter.from?.toISOString() ?? null,
    filter.to?.toISOString() ?? null,
    first,
    second,
    filter.limit + 1,
  ];
  const rows = await rowsOf(db, listing.row, listing.sql(where), params);
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  return { items: items.map(listing.item), nextKey: rows.length > filter.limit && last ? listing.key(last) : null };
}

/** Timestamps keep microseconds in a page key: a key cut to milliseconds would skip or repeat entries. */
const KEY_AT = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS key_at`;
const keyAtRow = z.object({ key_at: z.string() });

const seqKeyRow = z.object({ seq_key: z.number() });

const auditListing: Listing<{ entry: AuditEntry; seq: number }, AuditEntry> = {
  sql: (where) => `
    SELECT id, config_id, user_id, activity_type, details, metrics, created_at, seq::float8 AS seq_key
      FROM connector_activity
     WHERE ${connectorIn('config_id')} ${where} AND ${within('created_at')}
       AND ($4::bigint IS NULL OR seq < $4::bigint) AND $5::text IS NULL
     ORDER BY connector_activity.seq DESC LIMIT $6`,
  row: z.unknown().transform((row) => {
    const entry = activityRow.parse(row);
    return { entry: { ...entry, metrics: entry.metrics ?? null }, seq: seqKeyRow.parse(row).seq_key };
  }),
  item: ({ entry }) => entry,
  key: ({ seq }) => [seq],
};

export function sqlHistory(db: SqlExecutor): HistoryRepository {
  return {
    // Platform entries (API keys, refused requests) are for those who see the platform, not only connectors.
    auditLog: (filter) => page(db, auditListing, filter, filter.includePlatform ? '' : `AND config_id <> '${PLATFORM_AUDIT_ID}'`),
    decisions: (filter) => page(db, decisionListing, filter, ''),
    metrics: (filter) => page(db, metricsListing, filter, ''),
    outcomes: (filter) => page(db, outcomeListing, filter, ''),
  };
}

const decisionRow = keyAtRow.extend({
  approval_id: z.string(),
  connector_id: z.string(),
  workflow_id: z.string(),
  stream: z.string(),
  request: pendingApprovalSchema,
  resolution: approvalResolutionSchema,
  opened_at: timestamp,
  decided_at: timestamp,
});

const decisionListing: Listing<z.infer<typeof decisionRow>, Decision> = {
  sql: () => `
    SELECT approval_id, connector_id, workflow_id, stream, request, resolution, opened_at, decided_at, ${KEY_AT('decided_at')}
      FROM approval
     WHERE status = 'decided' AND ${connectorIn('connector_id')}
       AND ${within('decided_at')}
       AND ($4::timestamptz IS NULL OR (decided_at, approval_id) < ($4::timestamptz, $5::text))
     ORDER BY decided_at DESC, approval_id DESC LIMIT $6`,
  row: decisionRow,
  item: (row) => ({
    approvalId: row.approval_id,
    connectorId: row.connector_id,
    workflowId: row.workflow_id,
    stream: row.stream,
    request: row.request,
    resolution: row.resolution,
    openedAt: row.opened_at,
    decidedAt: row.decided_at,
  }),
  key: (row) => [row.key_at, row.approval_id],
};

const metricsDayRow = z.object({ config_id: z.string(), date: z.string(), metrics: z.record(z.string(), z.number()) });

/** A day counts when it starts inside the window. */
const metricsListing: Listing<z.infer<typeof metricsDayRow>, ConnectorDay> = {
  sql: () => `
    SELECT config_id::text AS config_id, to_char(date, 'YYYY-MM-DD') AS date, metrics
      FROM connector_metrics
     WHERE ${connectorIn('config_id')}
       AND ($2::timestamptz IS NULL OR date >= ($2::timestamptz AT TIME ZONE 'UTC')::date)
       AND ($3::timestamptz IS NULL OR date < ($3::timestamptz AT TIME ZONE 'UTC')::date + 1)
       AND ($4::date IS NULL OR (date, config_id::text) < ($4::date, $5::text))
     ORDER BY date DESC, config_id::text DESC LIMIT $6`,
  row: metricsDayRow,
  item: (row) => ({ connectorId: row.config_id, date: row.date, metrics: row.metrics }),
  key: (row) => [row.date, row.config_id],
};

const outcomeListing: Listing<{ outcome: StoredOutcome; keyAt: string }, StoredOutcome> = {
  sql: () => `
    SELECT id, config_id, user_id, predicted, actual, accuracy::float8 AS accuracy, created_at, ${KEY_AT('created_at')}
      FROM connector_outcome
     WHERE ${connectorIn('config_id')} AND ${within('created_at')}
       AND ($4::timestamptz IS NULL OR (created_at, id::text) < ($4::timestamptz, $5::text))
     ORDER BY created_at DESC, id::text DESC LIMIT $6`,
  row: z.unknown().transform((row) => ({ outcome: outcomeRow.parse(row), keyAt: keyAtRow.parse(row).key_at })),
  item: ({ outcome }) => outcome,
  key: ({ outcome, keyAt }) => [keyAt, outcome.id],
};
