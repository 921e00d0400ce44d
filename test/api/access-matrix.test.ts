/**
 * The access policy, route by route and role by role, over HTTP: every role gets past access control
 * exactly where the policy table says (its answer is then the route's own: 2xx or a 4xx other than
 * 403) and a 403 naming the roles elsewhere; no credential is a 401 everywhere but the public routes.
 * The table must list every route the app serves, and nothing it does not.
 */
import { randomUUID } from 'node:crypto';
import { createApp } from '../../api/app';
import { ROUTE_POLICIES, type RoutePolicy } from '../../api/auth/policy';
import type { CodecEndpoint } from '../../api/deps';
import { AesGcmPayloadCodec, PAYLOAD_KEYS_VARIABLE } from '../../activities/secrets/payload-codec';
import { parseKeyRing } from '../../activities/secrets';
import { ROLES, type Role } from '../../domain/access';
import { keyEntry } from '../secrets/fixtures';
import { CONNECTORS, connectorBody, createConnector, type RequestBody, useApiHarness } from './harness';
import { routesOf } from './routes-of';

const ANALYST = `analyst-${randomUUID()}`;
const codecEndpoint: CodecEndpoint = {
  codec: new AesGcmPayloadCodec(parseKeyRing(keyEntry('payload-k1'), PAYLOAD_KEYS_VARIABLE)),
  allowedOrigins: [],
  namespaces: ['default'],
};

const api = useApiHarness({ codecEndpoint });
const keys = new Map<Role, string>();
const keyOf = (role: Role): string => {
  const key = keys.get(role);
  if (!key) throw new Error(`no key for ${role}`);
  return key;
};
/** The creative analyst's own connector, so that ownership never stands in the way of the matrix. */
let own: string;

beforeAll(async () => {
  for (const role of ROLES) keys.set(role, await api.keyFor(role, role === 'creative-analyst' ? ANALYST : undefined));
  own = await createConnector(api, connectorBody(ANALYST));
});

interface Sample {
  path: string;
  body?: RequestBody;
}

/**
 * One request per route that reaches its handler and changes nothing worth undoing: an invalid body
 * (400) or an id that names nothing (404) where a valid one would change something.
 */
const samples = (): Record<string, Sample> => {
  const nothing = randomUUID();
  const approvalId = encodeURIComponent(`cycle/${own}/manual-1~contact~${'a'.repeat(64)}`);
  return {
    'GET /healthz': { path: '/healthz' },
    'GET /api/v1/openapi.json': { path: '/api/v1/openapi.json' },
    'GET /api/v1/docs': { path: '/api/v1/docs' },
    'GET /api/v1/docs/:asset': { path: '/api/v1/docs/init.js' },
    'GET /dashboard': { path: '/dashboard' },
    'GET /dashboard/*asset': { path: '/dashboard/app.js' },
    'GET /api/v1/me': { path: '/api/v1/me' },
    'GET /api/v1/models': { path: '/api/v1/models' },
    'GET /api/v1/models/lookml': { path: '/api/v1/models/lookml?destination=postgres' },
    'GET /api/v1/models/tableau': { path: '/api/v1/models/tableau?destination=snowflake' },
    [`POST ${CONNECTORS}`]: { path: CONNECTORS, body: { json: { userId: ANALYST } } },
    [`GET ${CONNECTORS}/user/:userId`]: { path: `${CONNECTORS}/user/${ANALYST}` },
    [`GET ${CONNECTORS}/:id`]: { path: `${CONNECTORS}/${own}` },
    [`PUT ${CONNECTORS}/:id`]: { path: `${CONNECTORS}/${own}`, body: { json: { status: 'sleeping' } } },
    [`DELETE ${CONNECTORS}/:id`]: { path: `${CONNECTORS}/${nothing}` },
    [`GET ${CONNECTORS}/:id/analyze`]: { path: `${CONNECTORS}/${own}/analyze` },
    [`GET ${CONNECTORS}/:id/catalog`]: { path: `${CONNECTORS}/${nothing}/catalog` },
    'POST /api/v1/catalog/discover': { path: '/api/v1/catalog/discover', body: { json: {} } },
    [`POST ${CONNECTORS}/:id/runs`]: { path: `${CONNECTORS}/${nothing}/runs` },
    [`POST ${CONNECTORS}/:id/pause`]: { path: `${CONNECTORS}/${nothing}/pause` },
    [`POST ${CONNECTORS}/:id/zendesk-token`]: { path: `${CONNECTORS}/${nothing}/zendesk-token`, body: { json: {} } },
    [`POST ${CONNECTORS}/:id/resume`]: { path: `${CONNECTORS}/${nothing}/resume` },
    [`POST ${CONNECTORS}/:id/guardrails/preview`]: { path: `${CONNECTORS}/${own}/guardrails/preview`, body: { json: {} } },
    [`GET ${CONNECTORS}/:id/quality-reports`]: { path: `${CONNECTORS}/${own}/quality-reports` },
    [`POST ${CONNECTORS}/:id/quarantine/revalidate`]: { path: `${CONNECTORS}/${own}/quarantine/revalidate`, body: { json: {} } },
    'GET /api/v1/runs/*workflowId': { path: `/api/v1/runs/${encodeURIComponent(`cycle/${own}/manual-1`)}` },
    'GET /api/v1/approvals': { path: '/api/v1/approvals' },
    'GET /api/v1/audit-log': { path: '/api/v1/audit-log' },
    'GET /api/v1/decisions': { path: '/api/v1/decisions' },
    'GET /api/v1/metrics': { path: '/api/v1/metrics' },
    'GET /api/v1/outcomes': { path: '/api/v1/outcomes' },
    'POST /api/v1/warehouse/query': { path: '/api/v1/warehouse/query', body: { json: { sql: '' } } },
    'GET /api/v1/connector-health': { path: '/api/v1/connector-health' },
    'GET /api/v1/roi': { path: '/api/v1/roi' },
    'GET /api/v1/roi/settings': { path: '/api/v1/roi/settings' },
    'PUT /api/v1/roi/settings': { path: '/api/v1/roi/settings', body: { json: {} } },
    'POST /api/v1/approvals/*approvalId/decision': { path: `/api/v1/approvals/${approvalId}/decision`, body: { json: {} } },
    'GET /api/v1/approvals/*approvalId': { path: `/api/v1/approvals/${approvalId}` },
    'POST /webhooks/sendgrid/:connectorId': { path: `/webhooks/sendgrid/${nothing}`, body: { json: [] } },
    'POST /webhooks/zendesk/:connectorId': { path: `/webhooks/zendesk/${nothing}`, body: { json: {} } },
    'POST /codec/decode': { path: '/codec/decode', body: { json: { payloads: [] } } },
    'POST /codec/encode': { path: '/codec/encode', body: { json: { payloads: [] } } },
    'GET /codec/session': { path: '/codec/session' },
    'POST /codec/session': { path: '/codec/session' },
    'DELETE /codec/session': { path: '/codec/session' },
    'POST /api/v1/privacy/erasure-requests': { path: '/api/v1/privacy/erasure-requests', body: { json: {} } },
    'GET /api/v1/privacy/erasure-requests/:id': { path: `/api/v1/privacy/erasure-requests/${nothing}` },
    'POST /api/v1/api-keys': { path: '/api/v1/api-keys', body: { json: {} } },
    'GET /api/v1/api-keys': { path: '/api/v1/api-keys' },
    'DELETE /api/v1/api-keys/:id': { path: `/api/v1/api-keys/${nothing}` },
    'POST /api/v1/notifications/channels': { path: '/api/v1/notifications/channels', body: { json: {} } },
    'GET /api/v1/notifications/channels': { path: '/api/v1/notifications/channels' },
    'GET /api/v1/notifications/channels/:id': { path: `/api/v1/notifications/channels/${nothing}` },
    'PUT /api/v1/notifications/channels/:id': { path: `/api/v1/notifications/channels/${nothing}`, body: { json: {} } },
    'DELETE /api/v1/notifications/channels/:id': { path: `/api/v1/notifications/channels/${nothing}` },
    'GET /api/v1/notifications/deliveries': { path: '/api/v1/notifications/deliveries' },
    'GET /api/v1/notifications/events/:eventId': { path: `/api/v1/notifications/events/${'0'.repeat(32)}` },
  };
};

const routeName = ({ method, path }: { method: string; path: string }): string => `${method} ${path}`;

describe('the policy table', () => {
  test('lists exactly the routes the app serves', () => {
    const app = createApp({ store: api.store, temporal: api.client, codecEndpoint, authentication: { jwt: {} } });
    const served = routesOf(app).map(routeName).sort();
    expect(ROUTE_POLICIES.map(routeName).sort()).toEqual(served);
  });

  test('has one sample request per route, so a new route is put through the matrix', () => {
    expect(Object.keys(samples()).sort()).toEqual(ROUTE_POLICIES.map(routeName).sort());
  });
});

const cases = ROUTE_POLICIES.map((policy) => [routeName(policy), policy] as const);

describe.each(cases)('%s', (name, policy: RoutePolicy) => {
  const send = (credential: string | null) => {
    const sample = samples()[name];
    if (!sample) throw new Error(`no sample request for ${name}`);
    return api.call(policy.method, sample.path, sample.body, credential);
  };

  test('each role is let through or refused with a 403 as the policy says', async () => {
    const allowed: readonly Role[] = 'public' in policy.access ? ROLES : policy.access.roles;
    const expected: Record<string, string | number> = {};
    const actual: Record<string, string | number> = {};
    for (const role of ROLES) {
      const { status } = await send(keyOf(role));
      // Let through: the route's own answer, a success or a client error other than 401/403.
      actual[role] = status < 500 && status !== 401 && status !== 403 ? 'let through' : status;
      expected[role] = allowed.includes(role) ? 'let through' : 403;
    }
    expect(actual).toEqual(expected);
  });

  if ('public' in policy.access) {
    test('answers without a credential', async () => {
      const status = (await send(null)).status;
      expect([401, 403]).not.toContain(status);
    });
  } else {
    const { roles } = policy.access;
    test('is a 401 with a WWW-Authenticate challenge without a credential', async () => {
      const response = await send(null);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="insight-hub"');
    });

    const refused = ROLES.filter((role) => !roles.includes(role));
    if (refused.length > 0) {
      test('names the roles it takes in the 403', async () => {
        const response = await send(keyOf(refused[0] ?? 'campaign-lead'));
        expect(response).toMatchObject({
          status: 403,
          body: { error: 'forbidden', message: expect.stringContaining(roles[roles.length - 1] ?? '') },
        });
      });
    }
  }
});
