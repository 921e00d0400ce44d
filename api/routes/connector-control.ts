/** Manual control of a connector: pause and resume its cycles, its Temporal Schedule following. */
import type { ConnectorStatus } from '../../domain/connector';
import { redactConnector, type RedactedConnector } from '../../domain/redaction';
import { recordApiActivity } from '../audit';
import { principalOf, type Principal } from '../auth/principal';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { notFound } from '../errors';
import { requireConnector } from '../load-connector';
import { connectorNotFound, connectorResponseSchema } from '../response-schemas';
import { updateConnectorSchedule } from '../schedules';
import { connectorIdParamsSchema } from '../schemas';
import { callTemporal } from '../temporal-calls';
import { parseRequest } from '../validation';

const connectorAnswer = { description: 'the connector, credentials redacted', schema: connectorResponseSchema };

export const pauseConnectorRoute = defineRoute({
  method: 'POST',
  path: '/:id/pause',
  operationId: 'pauseConnector',
  summary: 'Pause a connector: no new cycle starts and its schedule is paused (audited)',
  description: 'Idempotent. A cycle already running goes on; the next one does not start.',
  tag: 'connectors',
  request: { params: connectorIdParamsSchema },
  responses: { 200: connectorAnswer, 404: connectorNotFound },
  temporal: 'the connector was not paused',
});

export const resumeConnectorRoute = defineRoute({
  method: 'POST',
  path: '/:id/resume',
  operationId: 'resumeConnector',
  summary: 'Resume a paused connector and unpause its schedule (audited)',
  tag: 'connectors',
  request: { params: connectorIdParamsSchema },
  responses: { 200: connectorAnswer, 404: connectorNotFound },
  temporal: 'the connector was not resumed',
});

/** Mounted under the connectors path: POST /:id/pause and /:id/resume. */
export function connectorControlRoutes(deps: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  routes.serve(pauseConnectorRoute, async (req, res) => {
    reply(res, pauseConnectorRoute, 200, await setStatus(deps, req.params, 'paused', principalOf(req)));
  });
  routes.serve(resumeConnectorRoute, async (req, res) => {
    reply(res, resumeConnectorRoute, 200, await setStatus(deps, req.params, 'active', principalOf(req)));
  });
  return routes;
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
  const updated = await store.connectors.update(id, { status });
  if (!updated) throw notFound(`no data warehouse connector with id ${id}`);
  const verb = status === 'paused' ? 'paused' : 'resumed';
  try {
    await callTemporal(temporal, `the connector was not ${verb}`, () => updateConnectorSchedule(temporal, updated, workflowTaskQueue));
  } catch (error) {
    // The status and the schedule's paused state must agree: put the status back.
    await store.connectors.update(id, { status: current.status });
    throw error;
  }
  await recordApiActivity(store, updated, `connector.${verb}`, { previousStatus: current.status, status }, actor);
  return redactConnector(updated);
}
