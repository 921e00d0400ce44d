/** The hostile-input corpus for a connector's own routes: its CRUD, runs, control, guardrails and quality. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CONNECTORS, connectorBody } from '../harness';
import { byId, type CorpusTargets, type RouteInput } from './route-input';

export const connectorRoutes = ({ target }: CorpusTargets): Record<string, RouteInput> => ({
  [`POST ${CONNECTORS}`]: { path: () => CONNECTORS, body: { valid: connectorBody('test-admin'), field: 'name' } },
  [`GET ${CONNECTORS}/user/:userId`]: { path: (seg) => `${CONNECTORS}/user/${seg ?? 'test-admin'}`, param: 'userId' },
  [`GET ${CONNECTORS}/:id`]: { path: byId(CONNECTORS, target), param: 'id' },
  [`PUT ${CONNECTORS}/:id`]: {
    path: byId(CONNECTORS, target),
    param: 'id',
    body: { valid: { name: 'renamed', description: 'changed' }, field: 'description' },
  },
  [`DELETE ${CONNECTORS}/:id`]: { path: byId(CONNECTORS, target), param: 'id' },
  [`GET ${CONNECTORS}/:id/analyze`]: { path: byId(CONNECTORS, target, '/analyze'), param: 'id' },
  [`GET ${CONNECTORS}/:id/catalog`]: { path: byId(CONNECTORS, target, '/catalog'), param: 'id' },
  // Its login URL refuses connections at once, were a hostile body ever to get through to discovery.
  'POST /api/v1/catalog/discover': {
    path: () => '/api/v1/catalog/discover',
    body: {
      valid: {
        source: z.object({ configuration: z.object({ source: z.unknown() }) }).parse(connectorBody('test-admin')).configuration.source,
      },
      field: 'source.loginUrl',
    },
  },
  [`POST ${CONNECTORS}/:id/runs`]: { path: byId(CONNECTORS, target, '/runs'), param: 'id' },
  [`POST ${CONNECTORS}/:id/pause`]: { path: byId(CONNECTORS, target, '/pause'), param: 'id' },
  [`POST ${CONNECTORS}/:id/zendesk-token`]: {
    path: byId(CONNECTORS, target, '/zendesk-token'),
    param: 'id',
    body: { valid: { apiToken: 'zd-hostile-input' }, field: 'apiToken' },
  },
  [`POST ${CONNECTORS}/:id/resume`]: { path: byId(CONNECTORS, target, '/resume'), param: 'id' },
  [`POST ${CONNECTORS}/:id/guardrails/preview`]: {
    path: byId(CONNECTORS, target, '/guardrails/preview'),
    param: 'id',
    body: { valid: { automationLevel: 'auto' }, field: 'automationLevel' },
  },
  [`GET ${CONNECTORS}/:id/quality-reports`]: { path: byId(CONNECTORS, target, '/quality-reports'), param: 'id', query: 'stream' },
  [`POST ${CONNECTORS}/:id/quarantine/revalidate`]: {
    path: byId(CONNECTORS, target, '/quarantine/revalidate'),
    param: 'id',
    body: { valid: { qualityReportId: randomUUID(), suite: { expectations: [] } }, field: 'suite.expectation_suite_name' },
  },
});
