/** Manual control of a connector: pause and resume its cycles, its Temporal Schedule following. */
import { Router } from 'express';
import type { ConnectorStatus } from '../../domain/connector';
import { redactConnector, type RedactedConnector } from '../../domain/redaction';
import { recordApiActivity } from '../audit';
import { principalOf, type Principal } from '../auth/principal';
import type { ResolvedApiDeps } from '../deps';
import { notFound } from '../errors';
import { requireConnector } from '../load-connector';
import { updateConnectorSchedule } from '../schedules';
import { connectorIdParamsSchema } from '../schemas';
import { callTemporal } from '../temporal-calls';
import { parseRequest } from '../validation';

/** Mounted under the connectors path: POST /:id/pause and /:id/resume. */
export function connectorControlRoutes(deps: ResolvedApiDeps): Router {
  const router = Router();
  router.post('/:id/pause', async (req, res) => {
    res.json(await setStatus(deps, req.params, 'paused', principalOf(req)));
  });
  router.post('/:id/resume', async (req, res) => {
    res.json(await setStatus(deps, req.params, 'active', principalOf(req)));
  });
  return router;
}

/**
 * Idempotent: pausing a paused connector changes nothing but is still audited. A cycle already
 * running goes on (a gate it holds open still waits for its decision); the next one does not start.
 */
async function setStatus(
  { store, temporal, workflowTaskQueue }: ResolvedApiDeps,
  params: unknown,
  status: ConnectorStatus,
  actor: Principal,
): Promise<RedactedConnector> {
  const { id } = parseRequest(connectorIdParamsSchema, params, 'path parameters');
  const current = await requireConnector(store, id);
  const updated = await store.updateConnector(id, { status });
  if (!updated) throw notFound(`no data warehouse connector with id ${id}`);
  const verb = status === 'paused' ? 'paused' : 'resumed';
  try {
    await callTemporal(temporal, `the connector was not ${verb}`, () => updateConnectorSchedule(temporal, updated, workflowTaskQueue));
  } catch (error) {
    // The status and the schedule's paused state must agree: put the status back.
    await store.updateConnector(id, { status: current.status });
    throw error;
  }
  await recordApiActivity(store, updated, `connector.${verb}`, { previousStatus: current.status, status }, actor);
  return redactConnector(updated);
}
