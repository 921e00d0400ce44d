/** A connector's figures per UTC day, from the roll-ups: what /analyze and the dashboard chart. */
import { z } from 'zod';
import { rowsOf } from './query';
import type { SqlExecutor } from './sql-client';

export interface DailyFigures {
  /** YYYY-MM-DD */
  date: string;
  runs: number;
  completed: number;
  failed: number;
  rowsExtracted: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsDeleted: number;
  apiCalls: number;
  runSeconds: number;
  /** The estimated warehouse cost the day's loads counted (connector_metrics costUsd). */
  costUsd: number;
}

const DAILY_FIGURES = `
  SELECT to_char(d.day, 'YYYY-MM-DD') AS date, d.runs, d.completed, d.failed, d.run_seconds,
         coalesce(s.extracted, 0)::float8 AS extracted, coalesce(s.loaded, 0)::float8 AS loaded,
         coalesce(s.quarantined, 0)::float8 AS quarantined, coalesce(s.deleted, 0)::float8 AS deleted,
         coalesce(s.api_calls, 0)::float8 AS api_calls, coalesce((m.metrics->>'costUsd')::float8, 0) AS cost_usd
    FROM run_day d
    LEFT JOIN (SELECT day, sum(extracted) AS extracted, sum(loaded) AS loaded, sum(quarantined) AS quarantined,
                      sum(deleted) AS deleted, sum(api_calls) AS api_calls
                 FROM stream_day
                WHERE connector_id = $1 AND ($2::date IS NULL OR day >= $2::date) AND day <= $3::date
                GROUP BY day) s ON s.day = d.day
    LEFT JOIN connector_metrics m ON m.config_id = d.connector_id AND m.date = d.day
   WHERE d.connector_id = $1 AND ($2::date IS NULL OR d.day >= $2::date) AND d.day <= $3::date
   ORDER BY d.day`;

const dailyRow = z
  .object({
    date: z.string(),
    runs: z.number(),
    completed: z.number(),
    failed: z.number(),
    run_seconds: z.number(),
    extracted: z.number(),
    loaded: z.number(),
    quarantined: z.number(),
    deleted: z.number(),
    api_calls: z.number(),
    cost_usd: z.number(),
  })
  .transform((row): DailyFigures => ({
    date: row.date,
    runs: row.runs,
    completed: row.completed,
    failed: row.failed,
    rowsExtracted: row.extracted,
    rowsLoaded: row.loaded,
    rowsQuarantined: row.quarantined,
    rowsDeleted: row.deleted,
    apiCalls: row.api_calls,
    runSeconds: row.run_seconds,
    costUsd: row.cost_usd,
  }));

/** Days without a run are left out; oldest first. */
export function dailyFigures(db: SqlExecutor, connectorId: string, from: string | null, to: string): Promise<DailyFigures[]> {
  return rowsOf(db, dailyRow, DAILY_FIGURES, [connectorId, from, to]);
}
