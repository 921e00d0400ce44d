/** The hostile-input corpus for a connector's own routes: its CRUD, runs, control, guardrails and quality. */
import { randomUUID } from 'node:crypto';
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
  [`POST ${CONNECTORS}/:id/runs`]: { path: byId(CONNECTORS, target, '/runs'), param: 'id' },
  [`POST ${CONNECTORS}/:id/pause`]: { path: byId(CONNECTORS, target, '/pause'), param: 'id' },
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
