/**
 * API usage per connector and window. Our own request count accumulates per rate-limit window; a
 * figure the service reports replaces the day's value. Crossing the alert share flips `alerted`
 * exactly once per window, so concurrent workers raise one alert.
 */
import { z } from 'zod';
import { API_USAGE_ALERT_SHARE } from '../../domain/sources';
import { parseInput } from './inputs';
import { rowsOf } from './query';
import type { SqlExecutor } from './sql-client';

export const apiUsageEntrySchema = z.object({
  connectorId: z.string().min(1),
  source: z.string().min(1),
  /** `rate` for our own count, else the service's name for what it reported. */
  scope: z.string().min(1).max(100),
  windowStart: z.date(),
  /** `add`: our own requests in this window; `set`: the service's own figure. */
  mode: z.enum(['add', 'set']),
  used: z.number().nonnegative(),
  limit: z.number().positive(),
});
export type ApiUsageEntry = z.infer<typeof apiUsageEntrySchema>;

export interface ApiUsageFigure {
  scope: string;
  windowStart: string;
  used: number;
  limit: number;
  /** True on the one call whose usage first reached the alert share in this window. */
  alertNow: boolean;
}

export interface ApiUsageRepository {
  /** Records API calls (or a usage figure the service reported); says when the window first reached the alert share. */
  record(entry: ApiUsageEntry): Promise<ApiUsageFigure>;
  /** The connector's recent windows, newest first. */
  list(connectorId: string, limit?: number): Promise<Omit<ApiUsageFigure, 'alertNow'>[]>;
}

const usageRow = z.object({
  scope: z.string(),
  window_start: z.union([z.date(), z.string()]).transform((v) => new Date(v).toISOString()),
  used: z.coerce.number(),
  usage_limit: z.coerce.number(),
  alert_now: z.boolean(),
});

export async function recordApiUsage(db: SqlExecutor, input: ApiUsageEntry): Promise<ApiUsageFigure> {
  const entry = parseInput(apiUsageEntrySchema, input, 'API usage');
  const used = entry.mode === 'add' ? 'api_usage.used + EXCLUDED.used' : 'EXCLUDED.used';
  const key = [entry.connectorId, entry.scope, entry.windowStart.toISOString()];
  const [row] = await rowsOf(
    db,
    usageRow,
    `INSERT INTO api_usage (connector_id, scope, window_start, source, used, usage_limit)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (connector_id, scope, window_start)
     DO UPDATE SET used = ${used}, usage_limit = EXCLUDED.usage_limit, updated_at = now()
     RETURNING scope, window_start, used, usage_limit, FALSE AS alert_now`,
    [...key, entry.source, entry.used, entry.limit],
  );
  if (!row) throw new Error('recording API usage returned no row');
  // A statement of its own: the row lock lets exactly one of several concurrent callers flip it.
  const flipped = await db.query(
    `UPDATE api_usage SET alerted = TRUE
     WHERE connector_id = $1 AND scope = $2 AND window_start = $3 AND NOT alerted AND used >= usage_limit * $4
     RETURNING connector_id`,
    [...key, API_USAGE_ALERT_SHARE],
  );
  return { scope: row.scope, windowStart: row.window_start, used: row.used, limit: row.usage_limit, alertNow: flipped.length > 0 };
}

/** Usage of a connector's recent windows, newest first. */
export async function listApiUsage(db: SqlExecutor, connectorId: string, limit = 50): Promise<Omit<ApiUsageFigure, 'alertNow'>[]> {
  const rows = await rowsOf(
    db,
    usageRow,
    `SELECT scope, window_start, used, usage_limit, alerted AS alert_now FROM api_usage
     WHERE connector_id = $1 ORDER BY window_start DESC, scope LIMIT $2`,
    [connectorId, limit],
  );
  return rows.map((row) => ({ scope: row.scope, windowStart: row.window_start, used: row.used, limit: row.usage_limit }));
}

export function sqlApiUsage(db: SqlExecutor): ApiUsageRepository {
  return {
    record: (entry) => recordApiUsage(db, entry),
    list: (connectorId, limit) => listApiUsage(db, connectorId, limit),
  };
}
