/** The spec's configuration endpoints; each change to a config is mirrored on its Temporal Schedule. */
import { Router } from 'express';
import { z } from 'zod';
import { createConnectorSchema, updateConnectorSchema, type Connector, type UpdateConnector } from '../../domain/connector';
import { keepRedactedSecrets, redactConnector } from '../../domain/redaction';
import { recordApiActivity } from '../audit';
import { principalOf } from '../auth/principal';
import type { ResolvedApiDeps } from '../deps';
import { notFound } from '../errors';
import { requireConnector } from '../load-connector';
import { scheduleEvery } from '../../domain/sources';
import { createConnectorSchedule, deleteConnectorSchedule, updateConnectorSchedule } from '../schedules';
import { connectorIdParamsSchema, userIdParamsSchema } from '../schemas';
import { callTemporal } from '../temporal-calls';
import { parseRequest } from '../validation';

export const CONNECTORS_PATH = '/api/v1/data-warehouse-connector';

export function connectorRoutes({ store, temporal, workflowTaskQueue }: ResolvedApiDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const input = parseRequest(createConnectorSchema, req.body, 'body');
    const connector = await store.createConnector(input);
    try {
      await callTemporal(temporal, 'the connector was not created', () =>
        createConnectorSchedule(temporal, connector, workflowTaskQueue),
      );
    } catch (error) {
      // A config without its schedule would never run: take it back out.
      await store.deleteConnector(connector.id);
      throw error;
    }
    await recordApiActivity(store, connector, 'connector.created', scheduleFacts(connector), principalOf(req));
    res.status(201).location(`${CONNECTORS_PATH}/${connector.id}`).json(redactConnector(connector));
  });

  router.get('/user/:userId', async (req, res) => {
    const { userId } = parseRequest(userIdParamsSchema, req.params, 'path parameters');
    const connectors = await store.listConnectorsByUser(userId);
    res.json({ connectors: connectors.map(redactConnector) });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    res.json(redactConnector(await requireConnector(store, id)));
  });

  router.put('/:id', async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    const current = await requireConnector(store, id);
    const patch = parseRequest(updateConnectorSchema, withStoredSecrets(req.body, current), 'body');
    const updated = await store.updateConnector(id, patch);
    if (!updated) throw notFound(`no data warehouse connector with id ${id}`);
    try {
      // From what the store now holds, so the schedule never disagrees with the config.
      await callTemporal(temporal, 'the connector was not changed', () =>
        updateConnectorSchedule(temporal, updated, workflowTaskQueue),
      );
    } catch (error) {
      await store.updateConnector(id, restorePatch(current));
      throw error;
    }
    await recordApiActivity(store, updated, 'connector.updated', { fields: Object.keys(patch), ...scheduleFacts(updated) }, principalOf(req));
    res.json(redactConnector(updated));
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    const connector = await requireConnector(store, id);
    await callTemporal(temporal, 'the connector was not deleted', () => deleteConnectorSchedule(temporal, id));
    await store.deleteConnector(id);
    await recordApiActivity(store, connector, 'connector.deleted', { name: connector.name }, principalOf(req));
    res.status(204).end();
  });

  return router;
}

const bodyWithConfiguration = z.looseObject({ configuration: z.unknown() });

/**
 * A configuration sent back as GET showed it: each secret still "[redacted]" keeps the one stored
 * for this connector; validation refuses the markers left with nothing to keep.
 */
function withStoredSecrets(body: unknown, current: Connector): unknown {
  const sent = bodyWithConfiguration.safeParse(body);
  if (!sent.success || sent.data.configuration === undefined) return body;
  return { ...sent.data, configuration: keepRedactedSecrets(sent.data.configuration, current.configuration) };
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
