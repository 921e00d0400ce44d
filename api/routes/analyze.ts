/** GET /:id/analyze: the store's figures for the connector, plus where its schedule stands. */
import { Router } from 'express';
import type { ResolvedApiDeps } from '../deps';
import { requireConnector } from '../load-connector';
import { describeConnectorSchedule } from '../schedules';
import { connectorIdParamsSchema } from '../schemas';
import { callTemporal } from '../temporal-calls';
import { parseRequest } from '../validation';

export function analyzeRoutes({ store, temporal }: ResolvedApiDeps): Router {
  const router = Router();
  router.get('/:id/analyze', async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    await requireConnector(store, id);
    const [analysis, schedule] = await Promise.all([
      store.analyze(id),
      callTemporal(temporal, 'the schedule could not be described', () => describeConnectorSchedule(temporal, id)),
    ]);
    res.json({ ...analysis, schedule });
  });
  return router;
}
