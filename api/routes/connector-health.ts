/**
 * GET /api/v1/connector-health: the Connectors page in one call — for every connector the caller may
 * see: freshness against its target, the last runs, rows loaded and quarantined, quality by rule,
 * API usage against each limit and the estimated warehouse cost per day. All from the store's daily
 * roll-ups, so it answers while Temporal is down.
 */
import { z } from 'zod';
import type { ConnectorFigures } from '../../activities/store/insights';
import { visibleConnectors } from '../visible-connectors';
import type { Connector } from '../../domain/connector';
import { CYCLE_STATUSES } from '../../domain/cycle';
import { durationToMs } from '../../domain/durations';
import { scheduleEvery } from '../../domain/sources';
import { principalOf } from '../auth/principal';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { parseRequest } from '../validation';
import { dayRangeOf, resolveWindow, windowQuerySchema } from '../window';

export const CONNECTOR_HEALTH_PATH = '/api/v1/connector-health';

const timestamp = z.string().describe('ISO-8601');

export const HEALTH_STATES = ['healthy', 'stale', 'failing', 'paused', 'no-runs'] as const;

export const connectorHealthSchema = z.object({
  connectorId: z.string(),
  name: z.string(),
  userId: z.string(),
  source: z.string(),
  destination: z.string(),
  status: z.enum(['active', 'paused']),
  health: z.enum(HEALTH_STATES).describe('failing: the last run failed; stale: fresher data is overdue; no-runs: nothing ran yet'),
  freshness: z.object({
    seconds: z.number().nullable().describe('since the last successful load; null before the first'),
    targetSeconds: z
      .number()
      .nullable()
      .describe('guardrails.freshnessTargetMinutes, else twice the schedule interval; null for push sources without a target'),
    met: z.boolean().nullable(),
  }),
  lastRuns: z.array(
    z.object({
      workflowId: z.string(),
      status: z.enum(CYCLE_STATUSES),
      startedAt: timestamp,
      finishedAt: timestamp.nullable(),
      rowsLoaded: z.number(),
      rowsQuarantined: z.number(),
    }),
  ),
  rowsLoaded: z.number().describe('in the window'),
  rowsQuarantined: z.number().describe('in the window'),
  qualityByRule: z.record(z.string(), z.number()).describe('quarantined share of rows evaluated, per rule, in the window'),
  apiUsage: z
    .array(z.object({ scope: z.string(), used: z.number(), limit: z.number(), share: z.number(), windowStart: timestamp }))
    .describe("each rate window's latest usage against its limit"),
  costPerDay: z.array(z.object({ date: z.string(), usd: z.number() })).describe('estimated warehouse cost per UTC day in the window'),
});

export const connectorHealthRoute = defineRoute({
  method: 'GET',
  path: '/',
  operationId: 'connectorHealth',
  summary: 'Every connector the caller may see, with its health: freshness, last runs, rows, quality by rule, API usage, cost per day',
  tag: 'insights',
  request: { query: windowQuerySchema },
  responses: {
    200: {
      description: 'the overview (window: the last 7 days unless from/to say otherwise)',
      schema: z.object({
        generatedAt: timestamp,
        window: z.object({ from: timestamp, to: timestamp }),
        connectors: z.array(connectorHealthSchema),
      }),
    },
  },
});

/** The Connectors page's window unless from/to say otherwise. */
const HEALTH_WINDOW_DAYS = 7;
const LAST_RUNS = 5;

/** The configured target, else twice the schedule's interval: one missed run is not yet stale. */
function freshnessTargetSeconds(connector: Connector): number | null {
  const minutes = connector.configuration.guardrails.freshnessTargetMinutes;
  if (minutes !== undefined) return minutes * 60;
  const every = scheduleEvery(connector.configuration);
  return every === null ? null : (2 * durationToMs(every)) / 1000;
}

type ConnectorHealth = z.infer<typeof connectorHealthSchema>;

function healthOf(connector: Connector, figures: ConnectorFigures, now: number): ConnectorHealth {
  const seconds = figures.lastSuccessAt === null ? null : Math.max(0, Math.floor((now - Date.parse(figures.lastSuccessAt)) / 1000));
  const targetSeconds = freshnessTargetSeconds(connector);
  const met = seconds === null || targetSeconds === null ? null : seconds <= targetSeconds;
  const [last] = figures.lastRuns;
  const health: ConnectorHealth['health'] =
    connector.status === 'paused'
      ? 'paused'
      : !last
        ? 'no-runs'
        : last.status === 'failed'
          ? 'failing'
          : met === false
            ? 'stale'
            : 'healthy';
  const { lastSuccessAt: _, ...shown } = figures;
  return {
    connectorId: connector.id,
    name: connector.name,
    userId: connector.userId,
    source: connector.configuration.source.kind,
    destination: connector.configuration.destination.kind,
    status: connector.status,
    health,
    freshness: { seconds, targetSeconds, met },
    ...shown,
  };
}

export function connectorHealthRoutes({ store }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  routes.serve(connectorHealthRoute, async (req, res) => {
    const window = resolveWindow(parseRequest(windowQuerySchema, req.query, 'query parameters'), HEALTH_WINDOW_DAYS);
    const principal = principalOf(req);
    const connectors = await visibleConnectors(store, principal);
    const figures = await store.insights.connectorFigures(
      connectors.map((c) => c.id),
      dayRangeOf(window),
      LAST_RUNS,
    );
    const now = Date.now();
    reply(res, connectorHealthRoute, 200, {
      generatedAt: new Date(now).toISOString(),
      window: { from: window.from.toISOString(), to: window.to.toISOString() },
      connectors: connectors.flatMap((connector) => {
        const found = figures.get(connector.id);
        return found ? [healthOf(connector, found, now)] : [];
      }),
    });
  });
  return routes;
}
