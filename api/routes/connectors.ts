/** The spec's configuration endpoints; each change to a config is mirrored on its Temporal Schedule. */
import { z } from 'zod';
import { createConnectorSchema, updateConnectorSchema, type Connector, type UpdateConnector } from '../../domain/connector';
import { redactConnector } from '../../domain/redaction';
import { checkSourceChoices } from '../account-check';
import { updateConnectorAndSchedule } from '../connector-update';
import { recordApiActivity } from '../audit';
import { principalOf } from '../auth/principal';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { requireConnector } from '../load-connector';
import { connectorAnswer, connectorNotFound, connectorResponseSchema, updateConnectorBodySchema } from '../response-schemas';
import { scheduleEvery } from '../../domain/sources';
import { createConnectorSchedule, deleteConnectorSchedule } from '../schedules';
import { connectorIdParamsSchema, userIdParamsSchema } from '../schemas';
import { callTemporal } from '../temporal-calls';
import { withStoredSecrets } from '../stored-secrets';
import { parseRequest } from '../validation';

export const CONNECTORS_PATH = '/api/v1/data-warehouse-connector';

const TAG = 'connectors';

export const createConnectorRoute = defineRoute({
  method: 'POST',
  path: '/',
  operationId: 'createConnector',
  summary: 'Create a connector configuration and its Temporal Schedule',
  tag: TAG,
  request: { body: { schema: createConnectorSchema, required: true } },
  responses: { 201: connectorAnswer },
  temporal: 'the connector was not created',
});

export const listUserConnectorsRoute = defineRoute({
  method: 'GET',
  path: '/user/:userId',
  operationId: 'listUserConnectors',
  summary: "List a user's connector configurations",
  tag: TAG,
  request: { params: userIdParamsSchema },
  responses: { 200: { description: 'the connectors', schema: z.object({ connectors: z.array(connectorResponseSchema) }) } },
});

export const getConnectorRoute = defineRoute({
  method: 'GET',
  path: '/:id',
  operationId: 'getConnector',
  summary: 'Get a connector configuration',
  tag: TAG,
  request: { params: connectorIdParamsSchema },
  responses: { 200: connectorAnswer, 404: connectorNotFound },
});

export const updateConnectorRoute = defineRoute({
  method: 'PUT',
  path: '/:id',
  operationId: 'updateConnector',
  summary: 'Update a connector configuration and its schedule (interval, paused state)',
  description:
    'Fields left out stay as they are. A credential sent back as "[redacted]" keeps the stored one, unless the endpoint it is for changed.',
  tag: TAG,
  request: { params: connectorIdParamsSchema, body: { schema: updateConnectorBodySchema, required: true } },
  responses: { 200: connectorAnswer, 404: connectorNotFound },
  temporal: 'the connector was not changed',
});

export const deleteConnectorRoute = defineRoute({
  method: 'DELETE',
  path: '/:id',
  operationId: 'deleteConnector',
  summary: 'Delete a connector configuration and its schedule',
  tag: TAG,
  request: { params: connectorIdParamsSchema },
  responses: { 204: { description: 'deleted' }, 404: connectorNotFound },
  temporal: 'the connector was not deleted',
});

export function connectorRoutes(deps: ResolvedApiDeps): DescribedRouter {
  const { store, temporal, workflowTaskQueue, sources, logger } = deps;
  const routes = describedRouter();

  routes.serve(createConnectorRoute, async (req, res) => {
    const input = parseRequest(createConnectorSchema, req.body, 'body');
    await checkSourceChoices(sources, input.configuration.source, logger);
    const connector = await store.connectors.create(input);
    try {
      await callTemporal(temporal, createConnectorRoute.temporal, () => createConnectorSchedule(temporal, connector, workflowTaskQueue));
    } catch (error) {
      // A config without its schedule would never run: take it back out.
      await store.connectors.delete(connector.id);
      throw error;
    }
    await recordApiActivity(store, connector, 'connector.created', scheduleFacts(connector), principalOf(req));
    res.location(`${CONNECTORS_PATH}/${connector.id}`);
    reply(res, createConnectorRoute, 201, redactConnector(connector));
  });

  routes.serve(listUserConnectorsRoute, async (req, res) => {
    const { userId } = parseRequest(userIdParamsSchema, req.params, 'path parameters');
    const connectors = await store.connectors.listByUser(userId);
    reply(res, listUserConnectorsRoute, 200, { connectors: connectors.map(redactConnector) });
  });

  routes.serve(getConnectorRoute, async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    reply(res, getConnectorRoute, 200, redactConnector(await requireConnector(store, id)));
  });

  routes.serve(updateConnectorRoute, async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    const current = await requireConnector(store, id);
    const patch = parseRequest(updateConnectorSchema, withStoredSecrets(req.body, 'configuration', current.configuration), 'body');
    if (patch.configuration) await checkSourceChoices(sources, patch.configuration.source, logger);
    const change = { patch, undo: restorePatch(current), refusal: updateConnectorRoute.temporal };
    const updated = await updateConnectorAndSchedule(deps, id, change);
    await recordApiActivity(
      store,
      updated,
      'connector.updated',
      { fields: Object.keys(patch), ...scheduleFacts(updated) },
      principalOf(req),
    );
    reply(res, updateConnectorRoute, 200, redactConnector(updated));
  });

  routes.serve(deleteConnectorRoute, async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    const connector = await requireConnector(store, id);
    await callTemporal(temporal, deleteConnectorRoute.temporal, () => deleteConnectorSchedule(temporal, id));
    await store.connectors.delete(id);
    await recordApiActivity(store, connector, 'connector.deleted', { name: connector.name }, principalOf(req));
    res.status(204).end();
  });

  return routes;
}

/** The fields of a connector before an update, to put back when its schedule could not follow. */
function restorePatch({ name, description, configuration, status }: Connector): UpdateConnector {
  return { name, description, configuration, status };
}

function scheduleFacts(connector: Connector): Record<string, string> {
  return {
    name: connector.name,
    source: connector.configuration.source.kind,
    destination: connector.configuration.destination.kind,
    every: scheduleEvery(connector.configuration) ?? 'when events arrive',
    status: connector.status,
  };
}
