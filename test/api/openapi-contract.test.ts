/**
 * The served OpenAPI document against what the app really serves (test/api/routes-of.ts) and the
 * access policy table: every route is described, and nothing else; each operation has a unique
 * operationId, a summary, the security the policy says, a schema for every answer with a body, and
 * the error answers it can give (400 for input, 413/415 for a body, 401/403 behind access control,
 * 404 for a resource it names, 503 where Temporal is called, 500).
 */
import { z } from 'zod';
import { createApp } from '../../api/app';
import { ANY_CREDENTIAL, openApiPath } from '../../api/auth/openapi-security';
import { ROUTE_POLICIES, type RoutePolicy } from '../../api/auth/policy';
import type { CodecEndpoint } from '../../api/deps';
import { parseKeyRing } from '../../activities/secrets';
import { AesGcmPayloadCodec, PAYLOAD_KEYS_VARIABLE } from '../../activities/secrets/payload-codec';
import { ROLES } from '../../domain/access';
import { keyEntry } from '../secrets/fixtures';
import { useApiHarness } from './harness';
import { routesOf, type ServedRoute } from './routes-of';

const codecEndpoint: CodecEndpoint = {
  codec: new AesGcmPayloadCodec(parseKeyRing(keyEntry('payload-k1'), PAYLOAD_KEYS_VARIABLE)),
  allowedOrigins: [],
  namespaces: ['default'],
};

const responseSchema = z.object({
  description: z.string().min(1),
  content: z.record(z.string(), z.object({ schema: z.record(z.string(), z.unknown()) })).optional(),
});
const operationSchema = z
  .object({
    operationId: z.string().min(1),
    summary: z.string().min(1),
    tags: z.array(z.string()).min(1),
    security: z.array(z.record(z.string(), z.array(z.string()))),
    parameters: z.array(z.object({ name: z.string(), in: z.string(), required: z.boolean().optional() })).optional(),
    requestBody: z.object({ content: z.record(z.string(), z.object({ schema: z.unknown() })) }).optional(),
    responses: z.record(z.string(), responseSchema),
    'x-roles': z.array(z.string()).optional(),
  })
  .loose();
type Operation = z.infer<typeof operationSchema>;
const documentSchema = z.object({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), operationSchema)),
  components: z.object({ schemas: z.record(z.string(), z.unknown()), securitySchemes: z.record(z.string(), z.unknown()) }).loose(),
});

const api = useApiHarness({ codecEndpoint });
let document: z.infer<typeof documentSchema>;
let served: ServedRoute[];

beforeAll(async () => {
  const response = await api.call('GET', '/api/v1/openapi.json', undefined, null);
  expect(response.status).toBe(200);
  document = documentSchema.parse(response.body);
  served = routesOf(createApp({ store: api.store, temporal: api.client, codecEndpoint, authentication: { jwt: {} } }));
});

const routeName = ({ method, path }: { method: string; path: string }): string => `${method} ${path}`;

const documented = (): string[] =>
  Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );

function operationOf(route: ServedRoute): Operation {
  const operation = document.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`${routeName(route)} is not in the document`);
  return operation;
}

function policyOf(route: ServedRoute): RoutePolicy {
  const policy = ROUTE_POLICIES.find((candidate) => routeName(candidate) === routeName(route));
  if (!policy) throw new Error(`${routeName(route)} has no policy`);
  return policy;
}

/** The routes that call Temporal and so answer 503 when it is down. */
const CALLS_TEMPORAL = [
  'createConnector',
  'updateConnector',
  'deleteConnector',
  'startRun',
  'pauseConnector',
  'resumeConnector',
  'getRun',
  'decideApproval',
  'revalidateQuarantine',
  'requestErasure',
  'receiveSendgridEvents',
];

/** Path parameters that name something the route looks up (404 when there is none); a userId filters a list. */
const namesResource = (operation: Operation): boolean => (operation.parameters ?? []).some((p) => p.in === 'path' && p.name !== 'userId');

test('the document describes every route the app serves, and only those', () => {
  const servedNames = served.map((route) => routeName({ method: route.method, path: openApiPath(route.path) })).sort();
  expect(documented().sort()).toEqual(servedNames);
  // The five that a hand-written document once left out.
  expect(servedNames).toEqual(
    expect.arrayContaining([
      'POST /api/v1/privacy/erasure-requests',
      'GET /api/v1/privacy/erasure-requests/{id}',
      'POST /webhooks/sendgrid/{connectorId}',
      'POST /codec/decode',
      'POST /codec/encode',
    ]),
  );
});

test('operation ids are unique', () => {
  const ids = served.map((route) => operationOf(route).operationId);
  expect(new Set(ids).size).toBe(ids.length);
});

describe.each(ROUTE_POLICIES.map((policy) => [routeName(policy), policy] as const))('%s', (_name, policy) => {
  const route = (): ServedRoute => {
    const found = served.find((candidate) => routeName(candidate) === routeName(policy));
    if (!found) throw new Error(`${routeName(policy)} is not served`);
    return found;
  };

  test('has the security the policy table gives it', () => {
    const operation = operationOf(route());
    const { access } = policyOf(route());
    if ('public' in access) {
      expect(operation.security).toEqual([]);
      expect(operation['x-roles']).toBeUndefined();
      return;
    }
    expect(operation.security).toEqual(ANY_CREDENTIAL);
    expect(operation['x-roles']).toEqual(access.roles);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '503']));
    if (access.roles.length < ROLES.length || access.ownership) expect(Object.keys(operation.responses)).toContain('403');
  });

  test('describes each answer: a schema for every body, the error answers it can give', () => {
    const operation = operationOf(route());
    const statuses = Object.keys(operation.responses);
    expect(statuses.some((status) => status.startsWith('2'))).toBe(true);
    expect(statuses).toContain('500');
    if (operation.parameters?.length || operation.requestBody) expect(statuses).toContain('400');
    if (operation.requestBody) expect(statuses).toEqual(expect.arrayContaining(['413', '415']));
    if (namesResource(operation)) expect(statuses).toContain('404');
    if (CALLS_TEMPORAL.includes(operation.operationId)) {
      expect(operation.responses['503']?.description).toMatch(/Temporal is unreachable/);
    }
    for (const [status, response] of Object.entries(operation.responses)) {
      const mediaTypes = Object.keys(response.content ?? {});
      expect({ status, hasBody: mediaTypes.length > 0 }).toEqual({ status, hasBody: status !== '204' });
      if (Number(status) >= 400) expect({ status, mediaTypes }).toEqual({ status, mediaTypes: ['application/json'] });
    }
  });
});

test('error answers share one schema, which names the error and says why', () => {
  expect(document.components.schemas.Error).toMatchObject({ required: expect.arrayContaining(['error', 'message']) });
});
