/**
 * GET /:id/analyze: figures summed in SQL over the daily roll-ups of the run reports (rows, runs, API
 * calls) and quality reports (per-rule shares) — rollups.ts —, cursors for the streams, decided
 * approvals for the guardrail recommendations. Nothing is estimated.
 */
import { z } from 'zod';
import type { StreamCursor } from '../../domain/cycle';
import { expectationSchema, ruleLabel } from '../quality/suite';
import { dailyFigures, type DailyFigures } from './daily-series';
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
  /** Sums the days of the window (all history without one). Refuses a malformed connector id (a data error). */
  analyze(connectorId: string, window?: DayWindow): Promise<ConnectorAnalysis>;
  /** The window's figures per UTC day that had a run, oldest first. */
  daily(connectorId: string, window: DayWindow): Promise<DailyFigures[]>;
}

const share = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/** Which UTC days to sum: YYYY-MM-DD, both inclusive; `from` null means since the first. */
export interface DayWindow {
  from: string | null;
  to: string;
}

/** The days of the window, as the roll-up statements' $2 and $3. */
const IN_WINDOW = `connector_id = $1 AND ($2::date IS NULL OR day >= $2::date) AND day <= $3::date`;

/**
 * The window's total of each counter column of a roll-up table (0 for a window without a day): the
 * SELECT list, and the row it reads as. The column names are written once, for both.
 */
function windowTotals<C extends string>(columns: readonly C[], cast: 'int' | 'float8') {
  return {
    select: columns.map((column) => `coalesce(sum(${column}), 0)::${cast} AS ${column}`).join(',\n         '),
    row: z.object(Object.fromEntries(columns.map((column) => [column, z.number()])) as Record<C, z.ZodNumber>),
  };
}

const runTotals = windowTotals(['runs', 'completed', 'deferred', 'blocked', 'failed'], 'int');

/** A run that completed, or deferred after loading what it had, leaves the data fresh as of its end. */
const RUN_FIGURES = `
  SELECT ${runTotals.select},
         max(last_run_at) AS last_run_at,
         max(last_success_at) AS last_success_at,
         floor(extract(epoch FROM now() - max(last_success_at)))::float8 AS freshness_seconds
    FROM run_day WHERE ${IN_WINDOW}`;

const runFigures = runTotals.row.extend({
  last_run_at: timestamp.nullable(),
  last_success_at: timestamp.nullable(),
  freshness_seconds: z.number().nullable(),
});

const rowTotals = windowTotals(['loaded', 'quarantined', 'deleted', 'extracted', 'api_calls'], 'float8');

const ROW_FIGURES = `
  SELECT ${rowTotals.select}
    FROM stream_day WHERE ${IN_WINDOW}`;

/**
 * Rows failing each rule (Great Expectations' expectation_config, rolled up per day by rollups.ts),
 * named below by the quality gate's own rule labels; rows evaluated are the rule_key '' rows.
 */
const RULE_FIGURES = `
  SELECT expectation, sum(rows)::float8 AS unexpected,
         (SELECT coalesce(sum(rows), 0) FROM rule_day WHERE ${IN_WINDOW} AND rule_key = '')::float8 AS rows_evaluated
    FROM rule_day WHERE ${IN_WINDOW} AND rule_key <> ''
   GROUP BY rule_key, expectation`;

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

const ALL_HISTORY = (): DayWindow => ({ from: null, to: new Date().toISOString().slice(0, 10) });

export async function analyzeConnector(db: SqlExecutor, connectorId: string, window = ALL_HISTORY()): Promise<ConnectorAnalysis> {
  const inWindow = [connectorId, window.from, window.to];
  const [runs] = await rowsOf(db, runFigures, RUN_FIGURES, inWindow);
  const [rows] = await rowsOf(db, rowTotals.row, ROW_FIGURES, inWindow);
  const rules = await rowsOf(db, ruleFigures, RULE_FIGURES, inWindow);
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
      total: runs.runs,
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
    async analyze(connectorId, window) {
      parseInput(uuidSchema, connectorId, 'connector id');
      return analyzeConnector(db, connectorId, window);
    },
    async daily(connectorId, { from, to }) {
      parseInput(uuidSchema, connectorId, 'connector id');
      return dailyFigures(db, connectorId, from, to);
    },
  };
}
