/** Cycles on demand, and a cycle's report: live while it runs, stored once it closed. */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { cycleReportSchema } from '../../domain/cycle';
import { recordApiActivity } from '../audit';
import { principalOf } from '../auth/principal';
import { readCycleRun, runningCycleOf, startManualCycle, wakeDrain } from '../cycles';
import { isPushSource } from '../../domain/sources';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { conflict, notFound } from '../errors';
import { requireConnector } from '../load-connector';
import { connectorNotFound, errorAnswer, startedWorkflowSchema } from '../response-schemas';
import { connectorIdParamsSchema, workflowIdParamsSchema } from '../schemas';
import { callTemporal } from '../temporal-calls';
import { parseRequest } from '../validation';

export const RUNS_PATH = '/api/v1/runs';

const TAG = 'runs';

export const startRunRoute = defineRoute({
  method: 'POST',
  path: '/:id/runs',
  operationId: 'startRun',
  summary: 'Start an ingestion cycle now',
  description: "A webhook source's connector has no cycles: this wakes its drain instead, which reads what its inbox holds.",
  tag: TAG,
  request: { params: connectorIdParamsSchema },
  responses: {
    202: { description: 'the started workflow (its report: GET the Location)', schema: startedWorkflowSchema },
    404: connectorNotFound,
    409: errorAnswer('a cycle of the connector is still running (named in the message), or one was started at the same instant'),
  },
  temporal: 'no cycle was started',
});

const runViewSchema = z.object({
  workflowId: z.string(),
  runId: z.string().nullable().describe('null when Temporal no longer holds the run and only the stored report is left'),
  temporalStatus: z.string().nullable().describe('RUNNING, COMPLETED, FAILED…; null when Temporal no longer holds the run'),
  report: cycleReportSchema.nullable(),
  reportSource: z.enum(['live-query', 'store', 'workflow-result', 'none']),
  detail: z.string().optional().describe('why there is no report, when there is none'),
});

export const getRunRoute = defineRoute({
  method: 'GET',
  path: '/*workflowId',
  operationId: 'getRun',
  summary: "A cycle's report: live (workflow query) while running, the stored report once closed",
  tag: TAG,
  request: { params: workflowIdParamsSchema },
  responses: {
    200: { description: 'the run and its report', schema: runViewSchema },
    404: errorAnswer('no ingestion cycle with that workflow id'),
  },
  temporal: 'the run could not be read',
});

/** Mounted under the connectors path: POST /:id/runs. */
export function connectorRunRoutes({ store, temporal, workflowTaskQueue }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  routes.serve(startRunRoute, async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    const connector = await requireConnector(store, id);
    const push = isPushSource(connector.configuration.source.kind);
    if (!push) {
      // One cycle per connector at a time: the workflow would skip a second one anyway; say so now.
      const running = await callTemporal(temporal, startRunRoute.temporal, () => runningCycleOf(temporal, store, id));
      if (running)
        throw conflict(
          `cycle ${running} of connector ${id} is still running; wait for it to finish (GET ${RUNS_PATH}/${encodeURIComponent(running)}) or cancel it`,
        );
    }
    // A push source's inbox has one reader, its drain: "run now" wakes it rather than racing it.
    const start = push
      ? () => wakeDrain(temporal, connector, workflowTaskQueue)
      : () => startManualCycle(temporal, connector, workflowTaskQueue, new Date());
    const started = await callTemporal(temporal, startRunRoute.temporal, start).catch((error: unknown) => {
      if (error instanceof WorkflowExecutionAlreadyStartedError) throw conflict(`a cycle of connector ${id} was just started; retry`);
      throw error;
    });
    await recordApiActivity(store, connector, 'cycle.requested', { trigger: 'manual', ...started }, principalOf(req));
    res.location(`${RUNS_PATH}/${encodeURIComponent(started.workflowId)}`);
    reply(res, startRunRoute, 202, started);
  });
  return routes;
}

/** Mounted under RUNS_PATH; the id may come URL-encoded or with its slashes as path segments. */
export function runRoutes({ store, temporal }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  routes.serve(getRunRoute, async (req, res) => {
    const { workflowId } = parseRequest(workflowIdParamsSchema, req.params, 'path parameters');
    const run = await callTemporal(temporal, getRunRoute.temporal, () => readCycleRun(temporal, store, workflowId));
    if (!run) throw notFound(`no ingestion cycle run with workflow id ${workflowId}`);
    reply(res, getRunRoute, 200, run);
  });
  return routes;
}
