/** Cycles on demand, and a cycle's report: live while it runs, stored once it closed. */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Router } from 'express';
import { recordApiActivity } from '../audit';
import { principalOf } from '../auth/principal';
import { readCycleRun, runningCycleOf, startManualCycle, wakeDrain } from '../cycles';
import { isPushSource } from '../../domain/sources';
import type { ResolvedApiDeps } from '../deps';
import { conflict, notFound } from '../errors';
import { requireConnector } from '../load-connector';
import { connectorIdParamsSchema, workflowIdParamsSchema } from '../schemas';
import { callTemporal } from '../temporal-calls';
import { parseRequest } from '../validation';

export const RUNS_PATH = '/api/v1/runs';

/** Mounted under the connectors path: POST /:id/runs. */
export function connectorRunRoutes({ store, temporal, workflowTaskQueue }: ResolvedApiDeps): Router {
  const router = Router();
  router.post('/:id/runs', async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    const connector = await requireConnector(store, id);
    const push = isPushSource(connector.configuration.source.kind);
    if (!push) {
      // One cycle per connector at a time: the workflow would skip a second one anyway; say so now.
      const running = await callTemporal(temporal, 'no cycle was started', () => runningCycleOf(temporal, store, id));
      if (running) throw conflict(`cycle ${running} of connector ${id} is still running; wait for it to finish (GET ${RUNS_PATH}/${encodeURIComponent(running)}) or cancel it`);
    }
    // A push source's inbox has one reader, its drain: "run now" wakes it rather than racing it.
    const start = push
      ? () => wakeDrain(temporal, connector, workflowTaskQueue)
      : () => startManualCycle(temporal, connector, workflowTaskQueue, new Date());
    const started = await callTemporal(temporal, 'no cycle was started', start).catch((error: unknown) => {
      if (error instanceof WorkflowExecutionAlreadyStartedError) throw conflict(`a cycle of connector ${id} was just started; retry`);
      throw error;
    });
    await recordApiActivity(store, connector, 'cycle.requested', { trigger: 'manual', ...started }, principalOf(req));
    res.status(202).location(`${RUNS_PATH}/${encodeURIComponent(started.workflowId)}`).json(started);
  });
  return router;
}

/** Mounted under RUNS_PATH; the id may come URL-encoded or with its slashes as path segments. */
export function runRoutes({ store, temporal }: ResolvedApiDeps): Router {
  const router = Router();
  router.get('/*workflowId', async (req, res) => {
    const { workflowId } = parseRequest(workflowIdParamsSchema, req.params, 'path parameters');
    const run = await callTemporal(temporal, 'the run could not be read', () => readCycleRun(temporal, store, workflowId));
    if (!run) throw notFound(`no ingestion cycle run with workflow id ${workflowId}`);
    res.json(run);
  });
  return router;
}
