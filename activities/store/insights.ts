/**
 * What the dashboard's Connectors and ROI pages show for many connectors at once, each figure one
 * grouped statement over the daily roll-ups (rollups.ts), so a page costs the same for a connector
 * that runs every minute as for one that runs daily. Windows are UTC days, both inclusive.
 */
import { z } from 'zod';
import { CYCLE_STATUSES } from '../../domain/cycle';
import { labelOf } from './analyze';
import { rowsOf } from './query';
import { timestamp } from './rows';
import type { SqlExecutor, SqlParam } from './sql-client';

export interface DayRange {
  from: string;
  to: string;
}

/** The connectors' latest runs, their rows and rules in the window, their API usage and cost per day. */
export interface ConnectorFigures {
  lastSuccessAt: string | null;
  lastRuns: {
    workflowId: string;
    status: (typeof CYCLE_STATUSES)[number];
    startedAt: string;
    finishedAt: string | null;
    rowsLoaded: number;
    rowsQuarantined: number;
  }[];
  rowsLoaded: number;
  rowsQuarantined: number;
  qualityByRule: Record<string, number>;
  apiUsage: { scope: string; used: number; limit: number; share: number; windowStart: string }[];
  costPerDay: { date: string; usd: number }[];
}

/** A connector's history in a window, for ROI: the counts costs and benefits are computed from. */
export interface RoiCounts {
  daysWithRuns: number;
  successes: number;
  apiCalls: number;
  runSeconds: number;
  rowsQuarantined: number;
  warehouseCostUsd: number;
}

export interface InsightsRepository {
  connectorFigures(connectorIds: readonly string[], window: DayRange, lastRuns: number): Promise<Map<string, ConnectorFigures>>;
  roiCounts(connectorIds: readonly string[], window: DayRange): Promise<Map<string, RoiCounts>>;
}

/** $1: the connectors as a JSON array; $2, $3: the window's days. */
const IN = (column: string): string => `${column}::text IN (SELECT jsonb_array_elements_text($1::jsonb))`;
const DAYS = (column: string): string => `${column} >= $2::date AND ${column} <= $3::date`;

const LAST_SUCCESS = `SELECT connector_id::text AS id, max(last_success_at) AS at FROM run_day WHERE ${IN('connector_id')} GROUP BY connector_id`;

const LAST_RUNS = `
  SELECT r.connector_id::text AS id, r.workflow_id, r.status, r.started_at, r.finished_at,
         coalesce((SELECT sum((s->>'loaded')::float8) FROM jsonb_array_elements(r.streams) s), 0) AS loaded,
         coalesce((SELECT sum((s->>'quarantined')::float8) FROM jsonb_array_elements(r.streams) s), 0) AS quarantined
    FROM (SELECT jsonb_array_elements_text($1::jsonb)::uuid AS id) c
    CROSS JOIN LATERAL (SELECT * FROM cycle_run WHERE connector_id = c.id ORDER BY started_at DESC LIMIT $2) r
   ORDER BY r.connector_id, r.started_at DESC`;

const STREAM_TOTALS = `
  SELECT connector_id::text AS id, sum(loaded)::float8 AS loaded, sum(quarantined)::float8 AS quarantined,
         sum(api_calls)::float8 AS api_calls
    FROM stream_day WHERE ${IN('connector_id')} AND ${DAYS('day')} GROUP BY connector_id`;

const RULES = `
  SELECT connector_id::text AS id, rule_key, min(expectation::text) AS expectation, sum(rows)::float8 AS rows
    FROM rule_day WHERE ${IN('connector_id')} AND ${DAYS('day')} GROUP BY connector_id, rule_key`;

/**
 * Each scope's latest window, per connector, walked down the primary key (connector_id, scope,
 * window_start): the scopes one index probe each (a loose index scan), then one probe for each
 * scope's newest window — a day of per-minute windows is never read nor sorted.
 */
const API_USAGE = `
  WITH RECURSIVE scopes AS (
    SELECT c.id, (SELECT max(scope) FROM api_usage WHERE connector_id = c.id) AS scope
      FROM (SELECT jsonb_array_elements_text($1::jsonb) AS id) c
    UNION ALL
    SELECT s.id, (SELECT max(scope) FROM api_usage WHERE connector_id = s.id AND scope < s.scope)
      FROM scopes s WHERE s.scope IS NOT NULL)
  SELECT s.id, s.scope, u.used, u.usage_limit, u.window_start
    FROM scopes s
    CROSS JOIN LATERAL (SELECT used, usage_limit, window_start FROM api_usage
                         WHERE connector_id = s.id AND scope = s.scope ORDER BY window_start DESC LIMIT 1) u
   ORDER BY s.id, s.scope`;

const COSTS = `
  SELECT config_id::text AS id, to_char(date, 'YYYY-MM-DD') AS date, coalesce((metrics->>'costUsd')::float8, 0) AS usd
    FROM connector_metrics WHERE ${IN('config_id')} AND ${DAYS('date')} ORDER BY config_id, date`;

const RUN_TOTALS = `
  SELECT connector_id::text AS id, count(*)::int AS days, sum(completed + deferred)::int AS successes,
         sum(run_seconds)::float8 AS run_seconds
    FROM run_day WHERE ${IN('connector_id')} AND ${DAYS('day')} AND runs > 0 GROUP BY connector_id`;

const idAt = z.object({ id: z.string(), at: timestamp.nullable() });
const runRow = z.object({
  id: z.string(),
  workflow_id: z.string(),
  status: z.enum(CYCLE_STATUSES),
  started_at: timestamp,
  finished_at: timestamp.nullable(),
  loaded: z.number(),
  quarantined: z.number(),
});
const streamTotals = z.object({ id: z.string(), loaded: z.number(), quarantined: z.number(), api_calls: z.number() });
const ruleRow = z.object({ id: z.string(), rule_key: z.string(), expectation: z.string().nullable(), rows: z.number() });
const usageRow = z.object({ id: z.string(), scope: z.string(), used: z.number(), usage_limit: z.number(), window_start: timestamp });
const costRow = z.object({ id: z.string(), date: z.string(), usd: z.number() });
const runTotals = z.object({ id: z.string(), days: z.number(), successes: z.number(), run_seconds: z.number() });

const byId = <T extends { id: string }>(rows: T[]): Map<string, T[]> => {
  const grouped = new Map<string, T[]>();
  for (const row of rows) grouped.set(row.id, [...(grouped.get(row.id) ?? []), row]);
  return grouped;
};

/** Failing rows per rule over rows evaluated (the rule_key '' row), labelled as the quality gate labels rules. */
function qualityByRule(rules: z.infer<typeof ruleRow>[]): Record<string, number> {
  const evaluated = rules.find((rule) => rule.rule_key === '')?.rows ?? 0;
  const shares: Record<string, number> = {};
  for (const rule of rules) {
    const label = rule.rule_key === '' || rule.expectation === null ? null : labelOf(JSON.parse(rule.expectation));
    if (label !== null) shares[label] = (shares[label] ?? 0) + (evaluated > 0 ? rule.rows / evaluated : 0);
  }
  return shares;
}

export function sqlInsights(db: SqlExecutor): InsightsRepository {
  return {
    async connectorFigures(connectorIds, { from, to }, lastRuns) {
      const ids = JSON.stringify(connectorIds);
      const window: SqlParam[] = [ids, from, to];
      const [success, runs, totals, rules, usage, costs] = await Promise.all([
        rowsOf(db, idAt, LAST_SUCCESS, [ids]),
        rowsOf(db, runRow, LAST_RUNS, [ids, lastRuns]),
        rowsOf(db, streamTotals, STREAM_TOTALS, window),
        rowsOf(db, ruleRow, RULES, window),
        rowsOf(db, usageRow, API_USAGE, [ids]),
        rowsOf(db, costRow, COSTS, window),
      ]);
      const [successOf, runsOf, totalsOf, rulesOf, usageOf, costsOf] = [
        byId(success),
        byId(runs),
        byId(totals),
        byId(rules),
        byId(usage),
        byId(costs),
      ];
      return new Map(
        connectorIds.map((id) => [
          id,
          {
            lastSuccessAt: successOf.get(id)?.[0]?.at ?? null,
            lastRuns: (runsOf.get(id) ?? []).map((run) => ({
              workflowId: run.workflow_id,
              status: run.status,
              startedAt: run.started_at,
              finishedAt: run.finished_at,
              rowsLoaded: run.loaded,
              rowsQuarantined: run.quarantined,
            })),
            rowsLoaded: totalsOf.get(id)?.[0]?.loaded ?? 0,
            rowsQuarantined: totalsOf.get(id)?.[0]?.quarantined ?? 0,
            qualityByRule: qualityByRule(rulesOf.get(id) ?? []),
            apiUsage: (usageOf.get(id) ?? []).map((u) => ({
              scope: u.scope,
              used: u.used,
              limit: u.usage_limit,
              share: u.used / u.usage_limit,
              windowStart: u.window_start,
            })),
            costPerDay: (costsOf.get(id) ?? []).map(({ date, usd }) => ({ date, usd })),
          },
        ]),
      );
    },

    async roiCounts(connectorIds, { from, to }) {
      const window: SqlParam[] = [JSON.stringify(connectorIds), from, to];
      const [runs, totals, costs] = await Promise.all([
        rowsOf(db, runTotals, RUN_TOTALS, window),
        rowsOf(db, streamTotals, STREAM_TOTALS, window),
        rowsOf(db, costRow, COSTS, window),
      ]);
      const [runsOf, totalsOf, costsOf] = [byId(runs), byId(totals), byId(costs)];
      return new Map(
        connectorIds.map((id) => {
          const run = runsOf.get(id)?.[0];
          const total = totalsOf.get(id)?.[0];
          return [
            id,
            {
              daysWithRuns: run?.days ?? 0,
              successes: run?.successes ?? 0,
              runSeconds: run?.run_seconds ?? 0,
              apiCalls: total?.api_calls ?? 0,
              rowsQuarantined: total?.quarantined ?? 0,
              warehouseCostUsd: (costsOf.get(id) ?? []).reduce((sum, cost) => sum + cost.usd, 0),
            },
          ];
        }),
      );
    },
  };
}
