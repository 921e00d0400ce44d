/** GET /:id/analyze: the store's figures for the connector, plus where its schedule stands. */
import { z } from 'zod';
import { streamCursorSchema } from '../../domain/cycle';
import { guardrailOverrideSchema } from '../../domain/guardrails';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { requireConnector } from '../load-connector';
import { connectorNotFound } from '../response-schemas';
import { describeConnectorSchedule } from '../schedules';
import { connectorIdParamsSchema } from '../schemas';
import { callTemporal } from '../temporal-calls';
import { parseRequest } from '../validation';

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
  schedule: scheduleStateSchema.nullable().describe('null for a connector without a schedule (a webhook source)'),
});

export const analyzeConnectorRoute = defineRoute({
  method: 'GET',
  path: '/:id/analyze',
  operationId: 'analyzeConnector',
  summary: 'Figures from the store (rows loaded, quarantined share by rule, freshness, runs, failures) and the schedule state',
  tag: 'connectors',
  request: { params: connectorIdParamsSchema },
  responses: { 200: { description: 'the analysis', schema: analysisSchema }, 404: connectorNotFound },
  temporal: 'the schedule could not be described',
});

export function analyzeRoutes({ store, temporal }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  routes.serve(analyzeConnectorRoute, async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    await requireConnector(store, id);
    const [analysis, schedule] = await Promise.all([
      store.analysis.analyze(id),
      callTemporal(temporal, 'the schedule could not be described', () => describeConnectorSchedule(temporal, id)),
    ]);
    reply(res, analyzeConnectorRoute, 200, { ...analysis, schedule });
  });
  return routes;
}
