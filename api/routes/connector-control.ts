/** Manual control of a connector: pause and resume its cycles, its Temporal Schedule following; rotate a Zendesk token. */
import type { ConnectorStatus } from '../../domain/connector';
import { redactConnector, type RedactedConnector } from '../../domain/redaction';
import { recordApiActivity } from '../audit';
import { updateConnectorAndSchedule } from '../connector-update';
import { principalOf, type Principal } from '../auth/principal';
import { defineRoute, describedRouter, reply, type DescribedRouter, type RouteContract } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { requireConnector } from '../load-connector';
import { connectorAnswer, connectorNotFound } from '../response-schemas';
import { connectorIdParamsSchema } from '../schemas';
import { parseRequest } from '../validation';
import { serveZendeskTokenRotation } from './zendesk-token';

/** Pause and resume are one operation: the connector's status set, its schedule following. */
const statusRoute = (action: 'pause' | 'resume', text: Pick<RouteContract, 'summary' | 'description'>) =>
  defineRoute({
    method: 'POST',
    path: `/:id/${action}`,
    operationId: `${action}Connector`,
    ...text,
    tag: 'connectors',
    request: { params: connectorIdParamsSchema },
    responses: { 200: connectorAnswer, 404: connectorNotFound },
    temporal: `the connector was not ${action}d`,
  });

export const pauseConnectorRoute = statusRoute('pause', {
  summary: 'Pause a connector: no new cycle starts and its schedule is paused (audited)',
  description: 'Idempotent. A cycle already running goes on; the next one does not start.',
});

export const resumeConnectorRoute = statusRoute('resume', { summary: 'Resume a paused connector and unpause its schedule (audited)' });

const STATUS_OF = [
  [pauseConnectorRoute, 'paused'],
  [resumeConnectorRoute, 'active'],
] as const;

/** Mounted under the connectors path: POST /:id/pause, /:id/resume and /:id/zendesk-token. */
export function connectorControlRoutes(deps: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();
  for (const [route, status] of STATUS_OF) {
    routes.serve(route, async (req, res) => {
      reply(res, route, 200, await setStatus(deps, req.params, { status, refusal: route.temporal }, principalOf(req)));
    });
  }
  serveZendeskTokenRotation(routes, deps);
  return routes;
}

/**
 * Idempotent: pausing a paused connector changes nothing but is still audited. A cycle already
 * running goes on (a gate it holds open still waits for its decision); the next one does not start.
 */
async function setStatus(
  deps: ResolvedApiDeps,
  params: unknown,
  { status, refusal }: { status: ConnectorStatus; refusal: string },
  actor: Principal,
): Promise<RedactedConnector> {
  const { id } = parseRequest(connectorIdParamsSchema, params, 'path parameters');
  const current = await requireConnector(deps.store, id);
  const verb = status === 'paused' ? 'paused' : 'resumed';
  // The status and the schedule's paused state must agree: the status goes back when the schedule cannot follow.
  const change = { patch: { status }, undo: { status: current.status }, refusal };
  const updated = await updateConnectorAndSchedule(deps, id, change);
  await recordApiActivity(deps.store, updated, `connector.${verb}`, { previousStatus: current.status, status }, actor);
  return redactConnector(updated);
}
