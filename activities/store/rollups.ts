/**
 * The daily roll-ups (migration 010): each day's row recomputed from that day's reports whenever one
 * of them is saved, in the same executor (inside the caller's transaction when there is one). A
 * recomputation is idempotent, so a retried save cannot count twice; its cost is the reports of one
 * connector's day, whatever the history holds. Readers sum days.
 */
import type { SqlExecutor } from './sql-client';

/** The migration that made the roll-up tables: when it is applied, the history is rolled up once. */
export const ROLLUPS_MIGRATION = '010_daily_rollups';

/** A run counts on the UTC day it started; a quality report on the UTC day it was saved. */
const utcDay = (column: string): string => `(${column} AT TIME ZONE 'UTC')::date`;

const runDay = (where: string): string => `
  INSERT INTO run_day (connector_id, day, runs, completed, deferred, blocked, failed, run_seconds, last_run_at, last_success_at)
  SELECT connector_id, ${utcDay('started_at')},
         count(*), count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'deferred'),
         count(*) FILTER (WHERE status = 'blocked'), count(*) FILTER (WHERE status = 'failed'),
         coalesce(sum(extract(epoch FROM finished_at - started_at)), 0)::float8,
         max(started_at), max(finished_at) FILTER (WHERE status IN ('completed', 'deferred'))
    FROM cycle_run ${where}
   GROUP BY connector_id, ${utcDay('started_at')}
  ON CONFLICT (connector_id, day) DO UPDATE SET
    runs = EXCLUDED.runs, completed = EXCLUDED.completed, deferred = EXCLUDED.deferred, blocked = EXCLUDED.blocked,
    failed = EXCLUDED.failed, run_seconds = EXCLUDED.run_seconds, last_run_at = EXCLUDED.last_run_at,
    last_success_at = EXCLUDED.last_success_at`;

const streamDay = (where: string): string => `
  INSERT INTO stream_day (connector_id, day, stream, extracted, loaded, quarantined, deleted, api_calls)
  SELECT r.connector_id, ${utcDay('r.started_at')}, s->>'stream',
         coalesce(sum((s->>'extracted')::float8), 0), coalesce(sum((s->>'loaded')::float8), 0),
         coalesce(sum((s->>'quarantined')::float8), 0), coalesce(sum((s->>'deleted')::float8), 0),
         coalesce(sum((s->>'apiCalls')::float8), 0)
    FROM cycle_run r CROSS JOIN LATERAL jsonb_array_elements(r.streams) s ${where}
   GROUP BY r.connector_id, ${utcDay('r.started_at')}, s->>'stream'
  ON CONFLICT (connector_id, day, stream) DO UPDATE SET
    extracted = EXCLUDED.extracted, loaded = EXCLUDED.loaded, quarantined = EXCLUDED.quarantined,
    deleted = EXCLUDED.deleted, api_calls = EXCLUDED.api_calls`;

/**
 * Great Expectations' shape: results[] of { expectation_config, result: { element_count,
 * unexpected_count } }; a batch's rows evaluated is its largest element_count (rule_key '').
 */
const ruleDay = (where: string): string => `
  WITH results AS (
    SELECT q.id, q.connector_id, ${utcDay('q.created_at')} AS day, q.stream, r.value AS result
      FROM quality_report q CROSS JOIN LATERAL jsonb_array_elements(
             CASE WHEN jsonb_typeof(q.report->'results') = 'array' THEN q.report->'results' ELSE '[]'::jsonb END) r
     ${where}
  ), per_rule AS (
    SELECT connector_id, day, stream, md5((result->'expectation_config')::text) AS rule_key,
           result->'expectation_config' AS expectation,
           coalesce(sum((result->'result'->>'unexpected_count')::float8), 0) AS rows
      FROM results GROUP BY connector_id, day, stream, result->'expectation_config'
  ), evaluated AS (
    SELECT connector_id, day, stream, '' AS rule_key, NULL::jsonb AS expectation, coalesce(sum(rows_in_batch), 0) AS rows
      FROM (SELECT id, connector_id, day, stream, max((result->'result'->>'element_count')::float8) AS rows_in_batch
              FROM results GROUP BY id, connector_id, day, stream) per_report
     GROUP BY connector_id, day, stream
  )
  INSERT INTO rule_day (connector_id, day, stream, rule_key, expectation, rows)
  SELECT * FROM per_rule UNION ALL SELECT * FROM evaluated
  ON CONFLICT (connector_id, day, stream, rule_key) DO UPDATE SET expectation = EXCLUDED.expectation, rows = EXCLUDED.rows`;

/** One connector's UTC day of the rows: `alias` is the table's alias in the statement, `day` an SQL date. */
const oneDay = (alias: string, column: string, day: string): string => `
  WHERE ${alias}.connector_id = $1
    AND ${alias}.${column} >= (${day})::timestamp AT TIME ZONE 'UTC' AND ${alias}.${column} < (${day} + 1)::timestamp AT TIME ZONE 'UTC'`;

/** Recomputes the connector's run and stream figures of the UTC day `startedAt` falls on. */
export async function rollUpRunDay(db: SqlExecutor, connectorId: string, startedAt: string): Promise<void> {
  const day = new Date(startedAt).toISOString().slice(0, 10);
  await db.query(runDay(oneDay('cycle_run', 'started_at', '$2::date')), [connectorId, day]);
  await db.query(streamDay(oneDay('r', 'started_at', '$2::date')), [connectorId, day]);
}

/** Recomputes the connector's per-rule figures of the stream today (UTC), the day a report saved now counts on. */
export async function rollUpQualityDay(db: SqlExecutor, connectorId: string, stream: string): Promise<void> {
  await db.query(`${ruleDay(`${oneDay('q', 'created_at', "(now() AT TIME ZONE 'UTC')::date")} AND q.stream = $2`)}`, [connectorId, stream]);
}

/** Rolls up every report a store holds: once, when the roll-ups are first made for an existing store. */
export async function rollUpHistory(db: SqlExecutor): Promise<void> {
  await db.query(runDay(''));
  await db.query(streamDay(''));
  await db.query(ruleDay(''));
}
