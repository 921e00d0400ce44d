/** GET /:id/analyze: the store's figures for the connector, plus where its schedule stands. */
import { z } from 'zod';
import { streamCursorSchema } from '../../domain/cycle';
import { guardrailOverrideSchema } from '../../domain/guardrails';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { requireConnector } from '../load-connector';
import { connectorNotFound } from '../response-schemas';
import type { Client } from '@temporalio/client';
import type { DayWindow } from '../../activities/store/analyze';
import { describeConnectorSchedule, type ConnectorScheduleState } from '../schedules';
import { connectorIdParamsSchema } from '../schemas';
import { isTemporalUnreachable } from '../temporal-calls';
import { parseRequest } from '../validation';
import { windowOutOfOrder, windowQuerySchema } from '../window';

const timestamp = z.string().describe('ISO-8601');

const recommendationSchema = z.object({
  guardrail: guardrailOverrideSchema.keyof(),
  currentLimit: z.number(),
  suggestedLimit: z.number(),
  evidence: z.array(z.object({ approvalId: z.string(), actual: z.number(), decidedBy: z.string(), decidedAt: timestamp })),
  summary: z.string(),
  note: z.literal('nothing changes without a manager'),
});

const scheduleStateSchema = z.object({
  scheduleId: z.string(),
  paused: z.boolean(),
  note: z.string().nullable(),
  intervalSeconds: z.number().nullable(),
  nextRunTimes: z.array(timestamp),
  recentRuns: z.array(z.object({ workflowId: z.string(), scheduledAt: timestamp, startedAt: timestamp })),
  runningWorkflowIds: z.array(z.string()),
});

const dailyFiguresSchema = z.object({
  date: z.string().describe('YYYY-MM-DD'),
  runs: z.number(),
  completed: z.number(),
  failed: z.number(),
  rowsExtracted: z.number(),
  rowsLoaded: z.number(),
  rowsQuarantined: z.number(),
  rowsDeleted: z.number(),
  apiCalls: z.number(),
  runSeconds: z.number(),
  costUsd: z.number(),
});

const analysisSchema = z.object({
  connectorId: z.string(),
  rowsLoaded: z.number(),
  rowsQuarantined: z.number(),
  rowsDeleted: z.number(),
  quarantinedShare: z.number().describe('quarantined rows / rows evaluated'),
  quarantinedShareByRule: z.record(z.string(), z.number()),
  runs: z.object({ total: z.number(), completed: z.number(), deferred: z.number(), blocked: z.number(), failed: z.number() }),
  lastRunAt: timestamp.nullable(),
  lastSuccessAt: timestamp.nullable(),
  freshnessSeconds: z.number().nullable().describe('seconds since the last successful load; null before the first'),
  streams: z.array(z.object({ stream: z.string(), cursor: streamCursorSchema.nullable(), committedAt: timestamp.nullable() })),
  apiCalls: z.number(),
  recommendations: z.array(recommendationSchema).describe('guardrails people keep approving on similar figures, with a suggested limit'),
  schedule: scheduleStateSchema
    .nullable()
    .describe('null for a connector without a schedule (a webhook source), or when Temporal did not answer'),
  scheduleUnavailable: z.string().nullable().describe('why the schedule facts are missing when Temporal did not answer; null otherwise'),
  window: z
    .object({ from: z.string().nullable(), to: z.string() })
    .describe('the UTC days the figures cover (from: null = since the first run)'),
  daily: z.array(dailyFiguresSchema).describe('one entry per UTC day of the window that has any run, oldest first'),
});

export const analyzeConnectorRoute = defineRoute({
  method: 'GET',
  path: '/:id/analyze',
  operationId: 'analyzeConnector',
  summary: 'Figures from the store (rows loaded, quarantined share by rule, freshness, runs, failures) and the schedule state',
  tag: 'connectors',
  description:
    'Read from the daily roll-ups kept on write, so the cost grows with days, not runs. Without from/to: all history. ' +
    'When Temporal does not answer, the figures still come, the schedule null and scheduleUnavailable saying why.',
  request: { params: connectorIdParamsSchema, query: windowQuerySchema },
  responses: { 200: { description: 'the analysis', schema: analysisSchema }, 404: connectorNotFound },
});

/** How long /analyze waits for the schedule's facts: the figures come from the store and must not wait on Temporal. */
const SCHEDULE_FACTS_TIMEOUT_MS = 2_000;

type ScheduleFacts = { schedule: ConnectorScheduleState | null; scheduleUnavailable: string | null };

async function scheduleFacts(temporal: Client, connectorId: string): Promise<ScheduleFacts> {
  try {
    const schedule = await temporal.withDeadline(Date.now() + SCHEDULE_FACTS_TIMEOUT_MS, () =>
      describeConnectorSchedule(temporal, connectorId),
    );
    return { schedule, scheduleUnavailable: null };
  } catch (error) {
    if (!isTemporalUnreachable(error)) throw error;
    return {
      schedule: null,
      scheduleUnavailable: `Temporal is unreachable or did not answer within ${SCHEDULE_FACTS_TIMEOUT_MS / 1000} s: the schedule's facts are unavailable, the figures come from the store`,
    };
  }
}

/** The request's window as UTC days; without `from`, all history; without `to`, today. */
function dayWindow({ from, to }: { from?: string | undefined; to?: string | undefined }): DayWindow {
  const day = (value: string): string => new Date(value).toISOString().slice(0, 10);
  const window = { from: from === undefined ? null : day(from), to: to === undefined ? day(new Date().toISOString()) : day(to) };
  if (window.from !== null && window.from > window.to) throw windowOutOfOrder();
  return window;
}

export function analyzeRoutes({ store, temporal }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  routes.serve(analyzeConnectorRoute, async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    const window = dayWindow(parseRequest(windowQuerySchema, req.query, 'query parameters'));
    await requireConnector(store, id);
    const [analysis, daily, schedule] = await Promise.all([
      store.analysis.analyze(id, window),
      store.analysis.daily(id, window),
      scheduleFacts(temporal, id),
    ]);
    reply(res, analyzeConnectorRoute, 200, { ...analysis, ...schedule, window, daily });
  });
  return routes;
}
