/**
 * GET /:id/analyze: figures computed in SQL from what the store holds — run reports for rows, runs
 * and API calls, quality reports for the per-rule shares, cursors for the streams, decided approvals
 * for the guardrail recommendations. Nothing is estimated.
 */
import { z } from 'zod';
import type { StreamCursor } from '../../domain/cycle';
import { expectationSchema, ruleLabel } from '../quality/suite';
import { parseInput, uuidSchema } from './inputs';
import { rowsOf } from './query';
import { recommendationsFor, type GuardrailRecommendation } from './recommendations';
import { cursorRow, timestamp, toStreamCursor } from './rows';
import type { SqlExecutor } from './sql-client';

/** Real figures for GET /:id/analyze, computed from what the store holds. */
export interface ConnectorAnalysis {
  connectorId: string;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsDeleted: number;
  /** Quarantined rows / rows evaluated, overall and per rule. */
  quarantinedShare: number;
  quarantinedShareByRule: Record<string, number>;
  runs: { total: number; completed: number; deferred: number; blocked: number; failed: number };
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  /** Seconds since the last successful load; null before the first. */
  freshnessSeconds: number | null;
  /** Per stream: cursor position and when it was committed. */
  streams: { stream: string; cursor: StreamCursor | null; committedAt: string | null }[];
  apiCalls: number;
  /** Guardrails people keep approving on similar figures, with a suggested limit and the evidence. */
  recommendations: GuardrailRecommendation[];
}

export interface AnalysisRepository {
  /** Refuses a malformed connector id (a data error). */
  analyze(connectorId: string): Promise<ConnectorAnalysis>;
}

const share = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/** A run that completed, or deferred after loading what it had, leaves the data fresh as of its end. */
const RUN_FIGURES = `
  SELECT count(*)::int AS total,
         count(*) FILTER (WHERE status = 'completed')::int AS completed,
         count(*) FILTER (WHERE status = 'deferred')::int AS deferred,
         count(*) FILTER (WHERE status = 'blocked')::int AS blocked,
         count(*) FILTER (WHERE status = 'failed')::int AS failed,
         max(started_at) AS last_run_at,
         max(finished_at) FILTER (WHERE status IN ('completed', 'deferred')) AS last_success_at,
         floor(extract(epoch FROM now() - max(finished_at) FILTER (WHERE status IN ('completed', 'deferred'))))::float8
           AS freshness_seconds
    FROM cycle_run WHERE connector_id = $1`;

const runFigures = z.object({
  total: z.number(),
  completed: z.number(),
  deferred: z.number(),
  blocked: z.number(),
  failed: z.number(),
  last_run_at: timestamp.nullable(),
  last_success_at: timestamp.nullable(),
  freshness_seconds: z.number().nullable(),
});

const ROW_FIGURES = `
  SELECT coalesce(sum((s->>'loaded')::float8), 0) AS loaded,
         coalesce(sum((s->>'quarantined')::float8), 0) AS quarantined,
         coalesce(sum((s->>'deleted')::float8), 0) AS deleted,
         coalesce(sum((s->>'extracted')::float8), 0) AS extracted,
         coalesce(sum((s->>'apiCalls')::float8), 0) AS api_calls
    FROM cycle_run r CROSS JOIN LATERAL jsonb_array_elements(r.streams) s
   WHERE r.connector_id = $1`;

const rowFigures = z.object({
  loaded: z.number(),
  quarantined: z.number(),
  deleted: z.number(),
  extracted: z.number(),
  api_calls: z.number(),
});

/**
 * Quality reports are in Great Expectations' shape: results[] of { expectation_config, result:
 * { element_count, unexpected_count } }. Unexpected rows are summed per expectation here and named
 * by the quality gate's own rule labels below; a batch's rows evaluated is the largest
 * element_count among its results.
 */
const RULE_FIGURES = `
  WITH results AS (
    SELECT q.id AS report_id, r.value AS result
      FROM quality_report q CROSS JOIN LATERAL jsonb_array_elements(
             CASE WHEN jsonb_typeof(q.report->'results') = 'array' THEN q.report->'results' ELSE '[]'::jsonb END) r
     WHERE q.connector_id = $1
  ), evaluated AS (
    SELECT coalesce(sum(rows_in_batch), 0)::float8 AS rows_evaluated
      FROM (SELECT max((result->'result'->>'element_count')::float8) AS rows_in_batch
              FROM results GROUP BY report_id) per_report
  )
  SELECT result->'expectation_config' AS expectation,
         coalesce(sum((result->'result'->>'unexpected_count')::float8), 0) AS unexpected,
         (SELECT rows_evaluated FROM evaluated) AS rows_evaluated
    FROM results GROUP BY result->'expectation_config'`;

const ruleFigures = z.object({ expectation: z.unknown(), unexpected: z.number(), rows_evaluated: z.number() });

/** The label failing rows carry in quarantine (`not_null(email)`); a config the gate no longer knows keeps its type. */
export function labelOf(expectation: unknown): string | null {
  const known = expectationSchema.safeParse(expectation);
  if (known.success) return ruleLabel(known.data);
  const loose = z.looseObject({ type: z.string() }).safeParse(expectation);
  return loose.success ? loose.data.type : null;
}

function sharesByRule(rules: z.infer<typeof ruleFigures>[]): Record<string, number> {
  const unexpectedByRule = new Map<string, number>();
  for (const rule of rules) {
    const label = labelOf(rule.expectation);
    if (label !== null) unexpectedByRule.set(label, (unexpectedByRule.get(label) ?? 0) + rule.unexpected);
  }
  const evaluated = rules[0]?.rows_evaluated ?? 0;
  const labels = [...unexpectedByRule.keys()].sort();
  return Object.fromEntries(labels.map((label) => [label, share(unexpectedByRule.get(label) ?? 0, evaluated)]));
}

/** Every configured stream, and any stream that still has a cursor, with its cursor. */
const STREAM_CURSORS = `
  SELECT s.stream, c.cursor_value, c.last_key, c.committed_at
    FROM (SELECT jsonb_array_elements_text(configuration->'source'->'streams') AS stream
            FROM connector_config WHERE id = $1
          UNION
          SELECT stream FROM stream_cursor WHERE connector_id = $1) s
    LEFT JOIN stream_cursor c ON c.connector_id = $1 AND c.stream = s.stream
   ORDER BY s.stream`;

const streamCursorRow = z.union([
  cursorRow,
  z.object({ stream: z.string(), cursor_value: z.null(), last_key: z.null(), committed_at: z.null() }),
]);

export async function analyzeConnector(db: SqlExecutor, connectorId: string): Promise<ConnectorAnalysis> {
  const [runs] = await rowsOf(db, runFigures, RUN_FIGURES, [connectorId]);
  const [rows] = await rowsOf(db, rowFigures, ROW_FIGURES, [connectorId]);
  const rules = await rowsOf(db, ruleFigures, RULE_FIGURES, [connectorId]);
  const streams = await rowsOf(db, streamCursorRow, STREAM_CURSORS, [connectorId]);
  const recommendations = await recommendationsFor(db, connectorId);
  if (!runs || !rows) throw new Error('aggregate queries returned no row');
  return {
    connectorId,
    rowsLoaded: rows.loaded,
    rowsQuarantined: rows.quarantined,
    rowsDeleted: rows.deleted,
    // Deletion markers are applied, not validated: they are not rows evaluated.
    quarantinedShare: share(rows.quarantined, rows.extracted - rows.deleted),
    quarantinedShareByRule: sharesByRule(rules),
    runs: {
      total: runs.total,
      completed: runs.completed,
      deferred: runs.deferred,
      blocked: runs.blocked,
      failed: runs.failed,
    },
    lastRunAt: runs.last_run_at,
    lastSuccessAt: runs.last_success_at,
    freshnessSeconds: runs.freshness_seconds,
    streams: streams.map((s) =>
      s.cursor_value === null
        ? { stream: s.stream, cursor: null, committedAt: null }
        : { stream: s.stream, cursor: toStreamCursor(s), committedAt: s.committed_at },
    ),
    apiCalls: rows.api_calls,
    recommendations,
  };
}

export function sqlAnalysis(db: SqlExecutor): AnalysisRepository {
  return {
    async analyze(connectorId) {
      parseInput(uuidSchema, connectorId, 'connector id');
      return analyzeConnector(db, connectorId);
    },
  };
}
