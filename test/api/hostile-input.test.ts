/**
 * Hostile input, route by route, as a client who means harm sends it: a NUL character, a lone
 * surrogate, a NUL in a key, nesting 40 and 100,000 deep, bytes that are not UTF-8, bodies that are
 * not JSON (text, XML, a form, no Content-Type), a body over the limit, and path parameters that
 * decode to a NUL or do not decode at all (`%ZZ`, `%E0%A4%A`, UTF-8 of a surrogate). Every answer
 * is a 4xx naming where and which rule, never a 5xx; nothing is stored; a request without a
 * credential is still a 401 first. The SendGrid webhook judges each event of a batch on its own:
 * the valid ones are stored, the bad ones named.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { z } from 'zod';
import { createApp } from '../../api/app';
import { ROUTE_POLICIES } from '../../api/auth/policy';
import { CODEC_PATH } from '../../api/codec-server';
import type { CodecEndpoint } from '../../api/deps';
import { parseKeyRing } from '../../activities/secrets';
import { AesGcmPayloadCodec, PAYLOAD_KEYS_VARIABLE } from '../../activities/secrets/payload-codec';
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import { createConnectorSchema } from '../../domain/connector';
import { generateSendgridEvents } from '../../simulators/sendgrid/events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../simulators/sendgrid/sender';
import { createSendgridSigningKey } from '../../simulators/sendgrid/signing';
import { keyEntry } from '../secrets/fixtures';
import { uniqueName } from '../support/temporal';
import { CONNECTORS, connectorBody, createConnector, startApiHarness, type ApiHarness, type HttpResult } from './harness';
import { routesOf } from './routes-of';

const codecEndpoint: CodecEndpoint = {
  codec: new AesGcmPayloadCodec(parseKeyRing(keyEntry('payload-k1'), PAYLOAD_KEYS_VARIABLE)),
  allowedOrigins: [],
  namespaces: ['default'],
};

let api: ApiHarness;
/** The connector hostile requests aim at: any of them getting through would change it. */
let target: string;
/** A SendGrid connector with a signing key, and one that takes unsigned requests (for raw bytes). */
let signed: { id: string; sign: (timestamp: string, body: string) => string };
let unsigned: string;

beforeAll(async () => {
  api = await startApiHarness({ codecEndpoint });
  target = await createConnector(api, connectorBody('test-admin'));
  const key = createSendgridSigningKey();
  signed = { id: await sendgridConnector({ publicKey: key.publicKey }), sign: key.sign };
  unsigned = await sendgridConnector({ allowUnsigned: true });
});
afterAll(async () => {
  await api?.close();
});

async function sendgridConnector(source: Record<string, unknown>): Promise<string> {
  const configuration = { source: { kind: 'sendgrid', ...source } };
  const connector = await api.store.connectors.create(
    createConnectorSchema.parse({ userId: 'marketing-ops', name: uniqueName('sendgrid'), configuration }),
  );
  return connector.id;
}

// ---- Requests ----

interface Raw {
  bytes: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Over node:http rather than fetch: fetch sends no body with a GET, and a hostile client does. */
function send(method: string, path: string, body?: Raw, credential: string | null = api.adminKey): Promise<HttpResult> {
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { 'content-length': String(body.bytes.length) }),
    ...(body?.contentType === undefined ? {} : { 'content-type': body.contentType }),
    ...(credential ? { authorization: `Bearer ${credential}` } : {}),
    ...body?.headers,
  };
  return new Promise((resolve, reject) => {
    const sent = request(`${api.url}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text === '' ? null : JSON.parse(text);
        } catch {
          // Left as text: the assertion on its shape shows it.
        }
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve({ status: response.statusCode ?? 0, headers: responseHeaders, body: parsed });
      });
    });
    // A server may answer (401, 413) before the whole body is written and close: its answer still counts.
    sent.on('error', reject);
    sent.end(body?.bytes);
  });
}

const json = (text: string, contentType = 'application/json'): Raw => ({ bytes: Buffer.from(text, 'utf8'), contentType });

const PLACEHOLDER = '"__hostile__"';

/** The body's JSON text with `field` (dotted) holding `value`, itself JSON text: deep nesting cannot go through JSON.stringify. */
function withField(body: unknown, field: string, valueJson: string): string {
  const keys = field.split('.');
  const set = (node: unknown, [key, ...rest]: string[]): unknown => {
    if (key === undefined) return '__hostile__';
    if (Array.isArray(node)) return node.map((item, index) => (String(index) === key ? set(item, rest) : item));
    const record = z.record(z.string(), z.unknown()).catch({}).parse(node);
    return { ...record, [key]: set(record[key], rest) };
  };
  return JSON.stringify(set(body, keys)).replace(PLACEHOLDER, valueJson);
}

const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

// ---- What every answer must be ----

const answerSchema = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string(), rule: z.string() })).min(1),
});

/** A 4xx (the one expected, when told) whose issues name `path` (or a path under it) with `rule`. */
function expectRefusal(response: HttpResult, expected: { status?: number; path: string; rule: string }, label: string): void {
  const context = `${label} → ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
  expect({ context, status: response.status >= 400 && response.status < 500 }).toEqual({ context, status: true });
  if (expected.status !== undefined) expect({ context, status: response.status }).toEqual({ context, status: expected.status });
  const { issues } = answerSchema.parse(response.body);
  const named = issues.some(
    (issue) => (issue.path === expected.path || issue.path.startsWith(`${expected.path}.`)) && issue.rule === expected.rule,
  );
  expect({ context, named }).toEqual({ context, named: true });
}

// ---- The routes and where each takes input ----

interface RouteInput {
  /** The route's path with `seg` in place of its parameter (the target's id where there is one). */
  path: (seg?: string) => string;
  /** The route's parameter, when it has one. */
  param?: string;
  /** A query parameter it reads. */
  query?: string;
  /** A body it takes, and the field hostile values go into; routes without a body get `{ note }`. */
  body?: { valid: unknown; field: string };
}

const APPROVAL_ID = () => encodeURIComponent(`cycle/${target}/manual-1~contact~${'a'.repeat(64)}`);
const byId =
  (base: string, suffix = '') =>
  (seg?: string) =>
    `${base}/${seg ?? target}${suffix}`;

/** A notification channel as a manager would add one. */
const channelBody = () => ({
  name: 'on-call',
  target: { kind: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/hostile-input' },
});

const ROUTES = (): Record<string, RouteInput> => ({
  'GET /healthz': { path: () => '/healthz' },
  'GET /api/v1/openapi.json': { path: () => '/api/v1/openapi.json' },
  'GET /api/v1/docs': { path: () => '/api/v1/docs' },
  'GET /api/v1/docs/:asset': { path: (seg) => `/api/v1/docs/${seg ?? 'init.js'}`, param: 'asset' },
  'GET /dashboard': { path: () => '/dashboard' },
  'GET /dashboard/*asset': { path: (seg) => `/dashboard/${seg ?? 'app.js'}`, param: 'asset' },
  'GET /api/v1/me': { path: () => '/api/v1/me' },
  'GET /api/v1/models': { path: () => '/api/v1/models' },
  'GET /api/v1/models/lookml': { path: () => '/api/v1/models/lookml', query: 'schema' },
  'GET /api/v1/models/tableau': { path: () => '/api/v1/models/tableau', query: 'connection' },
  [`POST ${CONNECTORS}`]: { path: () => CONNECTORS, body: { valid: connectorBody('test-admin'), field: 'name' } },
  [`GET ${CONNECTORS}/user/:userId`]: { path: (seg) => `${CONNECTORS}/user/${seg ?? 'test-admin'}`, param: 'userId' },
  [`GET ${CONNECTORS}/:id`]: { path: byId(CONNECTORS), param: 'id' },
  [`PUT ${CONNECTORS}/:id`]: {
    path: byId(CONNECTORS),
    param: 'id',
    body: { valid: { name: 'renamed', description: 'changed' }, field: 'description' },
  },
  [`DELETE ${CONNECTORS}/:id`]: { path: byId(CONNECTORS), param: 'id' },
  [`GET ${CONNECTORS}/:id/analyze`]: { path: byId(CONNECTORS, '/analyze'), param: 'id' },
  [`POST ${CONNECTORS}/:id/runs`]: { path: byId(CONNECTORS, '/runs'), param: 'id' },
  [`POST ${CONNECTORS}/:id/pause`]: { path: byId(CONNECTORS, '/pause'), param: 'id' },
  [`POST ${CONNECTORS}/:id/resume`]: { path: byId(CONNECTORS, '/resume'), param: 'id' },
  [`POST ${CONNECTORS}/:id/guardrails/preview`]: {
    path: byId(CONNECTORS, '/guardrails/preview'),
    param: 'id',
    body: { valid: { automationLevel: 'auto' }, field: 'automationLevel' },
  },
  [`GET ${CONNECTORS}/:id/quality-reports`]: { path: byId(CONNECTORS, '/quality-reports'), param: 'id', query: 'stream' },
  [`POST ${CONNECTORS}/:id/quarantine/revalidate`]: {
    path: byId(CONNECTORS, '/quarantine/revalidate'),
    param: 'id',
    body: { valid: { qualityReportId: randomUUID(), suite: { expectations: [] } }, field: 'suite.expectation_suite_name' },
  },
  'GET /api/v1/runs/*workflowId': {
    path: (seg) => `/api/v1/runs/${seg ?? encodeURIComponent(`cycle/${target}/manual-1`)}`,
    param: 'workflowId',
  },
  'GET /api/v1/approvals': { path: () => '/api/v1/approvals', query: 'connectorId' },
  'GET /api/v1/audit-log': { path: () => '/api/v1/audit-log', query: 'connectorId' },
  'GET /api/v1/decisions': { path: () => '/api/v1/decisions', query: 'cursor' },
  'GET /api/v1/metrics': { path: () => '/api/v1/metrics', query: 'from' },
  'GET /api/v1/outcomes': { path: () => '/api/v1/outcomes', query: 'to' },
  'POST /api/v1/warehouse/query': { path: () => '/api/v1/warehouse/query', body: { valid: { sql: 'SELECT 1' }, field: 'sql' } },
  'GET /api/v1/connector-health': { path: () => '/api/v1/connector-health', query: 'from' },
  'GET /api/v1/roi': { path: () => '/api/v1/roi', query: 'connectorId' },
  'GET /api/v1/roi/settings': { path: () => '/api/v1/roi/settings', query: 'connectorId' },
  'PUT /api/v1/roi/settings': {
    path: () => '/api/v1/roi/settings',
    body: { valid: { settings: { hourlyRateUsd: 10 } }, field: 'connectorId' },
  },
  'POST /api/v1/approvals/*approvalId/decision': {
    path: (seg) => `/api/v1/approvals/${seg ?? APPROVAL_ID()}/decision`,
    param: 'approvalId',
    body: { valid: { decision: 'approve', reason: 'looks right' }, field: 'reason' },
  },
  'GET /api/v1/approvals/*approvalId': { path: (seg) => `/api/v1/approvals/${seg ?? APPROVAL_ID()}`, param: 'approvalId' },
  'POST /webhooks/sendgrid/:connectorId': { path: (seg) => `/webhooks/sendgrid/${seg ?? unsigned}`, param: 'connectorId' },
  'POST /codec/decode': {
    path: () => '/codec/decode',
    body: { valid: { payloads: [{ metadata: {}, data: '' }] }, field: 'payloads.0.data' },
  },
  'POST /codec/encode': {
    path: () => '/codec/encode',
    body: { valid: { payloads: [{ metadata: {}, data: '' }] }, field: 'payloads.0.data' },
  },
  'POST /api/v1/privacy/erasure-requests': {
    path: () => '/api/v1/privacy/erasure-requests',
    body: { valid: { subject: { email: 'someone@example.com' }, reason: 'gdpr' }, field: 'subject.email' },
  },
  'GET /api/v1/privacy/erasure-requests/:id': { path: (seg) => `/api/v1/privacy/erasure-requests/${seg ?? randomUUID()}`, param: 'id' },
  'POST /api/v1/api-keys': {
    path: () => '/api/v1/api-keys',
    body: { valid: { subject: 'someone', role: 'campaign-lead' }, field: 'subject' },
  },
  'GET /api/v1/api-keys': { path: () => '/api/v1/api-keys' },
  'DELETE /api/v1/api-keys/:id': { path: (seg) => `/api/v1/api-keys/${seg ?? randomUUID()}`, param: 'id' },
  'POST /api/v1/notifications/channels': { path: () => '/api/v1/notifications/channels', body: { valid: channelBody(), field: 'name' } },
  'GET /api/v1/notifications/channels': { path: () => '/api/v1/notifications/channels' },
  'GET /api/v1/notifications/channels/:id': { path: (seg) => `/api/v1/notifications/channels/${seg ?? randomUUID()}`, param: 'id' },
  'PUT /api/v1/notifications/channels/:id': {
    path: (seg) => `/api/v1/notifications/channels/${seg ?? randomUUID()}`,
    param: 'id',
    body: { valid: channelBody(), field: 'name' },
  },
  'DELETE /api/v1/notifications/channels/:id': { path: (seg) => `/api/v1/notifications/channels/${seg ?? randomUUID()}`, param: 'id' },
  'GET /api/v1/notifications/deliveries': { path: () => '/api/v1/notifications/deliveries', query: 'channelId' },
  'GET /api/v1/notifications/events/:eventId': { path: (seg) => `/api/v1/notifications/events/${seg ?? '0'.repeat(32)}`, param: 'eventId' },
});

/** What any request getting through would have changed. */
async function storedState(): Promise<unknown> {
  return {
    connectors: await api.store.connectors.list(),
    apiKeys: await api.store.apiKeys.list(),
    notificationChannels: await api.store.notificationChannels.list(),
    approvals: [await api.store.approvals.list({ status: 'pending' }), await api.store.approvals.list({ status: 'decided' })],
    inboxes: [await api.store.inbox.read(signed.id, '0', 10_000), await api.store.inbox.read(unsigned, '0', 10_000)],
    // Requests refused before access control leave no audit entry either. Audited before the input is
    // looked at, as they should be: a read of personal data (before its query), a codec call (the
    // codec checks roles before it reads its body).
    audit: [await api.store.audit.list(target, 1_000), await api.store.audit.list(PLATFORM_AUDIT_ID, 1_000)].map((entries) =>
      entries.filter(
        (entry) => entry.activityType !== 'api.personal-data-read' && !JSON.stringify(entry.details).includes(`"route":"${CODEC_PATH}/`),
      ),
    ),
  };
}

// ---- The hostile classes ----

interface HostileRequest {
  label: string;
  path: string;
  body?: Raw;
  expected: { status?: number; path: string; rule: string };
}

const PATH_SEGMENTS: readonly { label: string; seg: string; rule: string }[] = [
  { label: 'a NUL (%00)', seg: '%00', rule: 'nul_character' },
  { label: '%ZZ', seg: '%ZZ', rule: 'invalid_encoding' },
  { label: 'broken UTF-8 (%E0%A4%A)', seg: '%E0%A4%A', rule: 'invalid_encoding' },
  { label: 'UTF-8 of a lone surrogate (%ED%A0%80)', seg: '%ED%A0%80', rule: 'invalid_encoding' },
];

const API_LIMIT_BYTES = 100 * 1024;
const CODEC_LIMIT_BYTES = 16 * 1024 * 1024;

function hostileRequests(name: string, route: RouteInput): HostileRequest[] {
  const requests: HostileRequest[] = [];
  if (route.param) {
    const param = route.param;
    for (const { label, seg, rule } of PATH_SEGMENTS)
      requests.push({ label: `path: ${label}`, path: route.path(seg), expected: { status: 400, path: param, rule } });
  }
  if (route.query) {
    requests.push({
      label: 'query: a NUL',
      path: `${route.path()}?${route.query}=a%00b`,
      expected: { status: 400, path: route.query, rule: 'nul_character' },
    });
  }
  const { valid, field } = route.body ?? { valid: { note: 'hello' }, field: 'note' };
  const into = (valueJson: string): Raw => json(withField(valid, field, valueJson));
  const path = route.path();
  requests.push(
    {
      label: 'body: a NUL',
      path,
      body: into(JSON.stringify('before\u0000after')),
      expected: { status: 400, path: field, rule: 'nul_character' },
    },
    {
      label: 'body: a lone surrogate',
      path,
      body: into('"\\ud800someone@example.com"'),
      expected: { status: 400, path: field, rule: 'lone_surrogate' },
    },
    {
      label: 'body: a NUL in a key',
      path,
      body: json(JSON.stringify({ ...z.record(z.string(), z.unknown()).parse(valid), 'k\u0000': 1 })),
      expected: { status: 400, path: '"k\\u0000"', rule: 'nul_character' },
    },
    { label: 'body: nested 40 deep', path, body: into(nested(40)), expected: { status: 400, path: field, rule: 'too_deep' } },
    {
      label: 'body: nested 100,000 deep',
      path,
      body: into(nested(100_000)),
      // 600 kB: over the API's body limit before its depth is looked at; under the codec's.
      expected: name.startsWith('POST /codec')
        ? { status: 400, path: field, rule: 'too_deep' }
        : { status: 413, path: '(body)', rule: 'too_big' },
    },
    {
      label: 'body: bytes that are not UTF-8',
      path,
      body: {
        bytes: Buffer.concat([Buffer.from('{"note": "'), Buffer.from([0xc3, 0x28, 0xe0, 0xa4]), Buffer.from('"}')]),
        contentType: 'application/json',
      },
      expected: { status: 400, path: '(body)', rule: 'invalid_utf8' },
    },
    { label: 'body: not JSON', path, body: json('{"note": '), expected: { status: 400, path: '(body)', rule: 'invalid_json' } },
    {
      label: 'body: text/plain',
      path,
      body: json(JSON.stringify(valid), 'text/plain'),
      expected: { status: 415, path: 'Content-Type', rule: 'unsupported_media_type' },
    },
    {
      label: 'body: XML',
      path,
      body: json('<connector><name>x</name></connector>', 'application/xml'),
      expected: { status: 415, path: 'Content-Type', rule: 'unsupported_media_type' },
    },
    {
      label: 'body: a form',
      path,
      body: json('name=x&description=y', 'application/x-www-form-urlencoded'),
      expected: { status: 415, path: 'Content-Type', rule: 'unsupported_media_type' },
    },
    {
      label: 'body: no Content-Type',
      path,
      body: { bytes: Buffer.from(JSON.stringify(valid)) },
      expected: { status: 415, path: 'Content-Type', rule: 'unsupported_media_type' },
    },
    {
      label: 'body: JSON in Latin-1',
      path,
      body: json(JSON.stringify(valid), 'application/json; charset=iso-8859-1'),
      expected: { status: 415, path: 'Content-Type', rule: 'unsupported_media_type' },
    },
    {
      label: 'body: over the size limit',
      path,
      body: json(
        withField(valid, field, JSON.stringify('x'.repeat((name.startsWith('POST /codec') ? CODEC_LIMIT_BYTES : API_LIMIT_BYTES) + 1))),
      ),
      expected: { status: 413, path: '(body)', rule: 'too_big' },
    },
  );
  return requests;
}

const routeName = ({ method, path }: { method: string; path: string }): string => `${method} ${path}`;

test('the corpus covers every route the app serves', () => {
  const app = createApp({ store: api.store, temporal: api.client, codecEndpoint, authentication: { jwt: {} } });
  expect(Object.keys(ROUTES()).sort()).toEqual(routesOf(app).map(routeName).sort());
});

describe.each(ROUTE_POLICIES.map((policy) => [routeName(policy), policy] as const))('%s', (name, policy) => {
  const method = policy.method;

  test('every hostile class gets a 4xx naming where and which rule, and nothing is stored', async () => {
    const route = ROUTES()[name];
    if (!route) throw new Error(`no corpus entry for ${name}`);
    const before = await storedState();
    for (const request of hostileRequests(name, route)) {
      // The webhook's bodies are judged after its signature: they have their own tests below.
      if (name.startsWith('POST /webhooks') && request.body) continue;
      expectRefusal(await send(method, request.path, request.body), request.expected, `${name} ${request.label}`);
    }
    expect(await storedState()).toEqual(before);
  });

  if (!('public' in policy.access)) {
    test('without a credential, every hostile class is a 401 first', async () => {
      const route = ROUTES()[name];
      if (!route) throw new Error(`no corpus entry for ${name}`);
      const statuses = new Set<number>();
      for (const request of hostileRequests(name, route)) {
        if (request.expected.status === 413) continue; // a refused upload is not read, and the socket may close under it
        statuses.add((await send(method, request.path, request.body, null)).status);
      }
      expect([...statuses]).toEqual([401]);
    });
  }
});

// ---- The SendGrid webhook: each event judged on its own ----

describe('POST /webhooks/sendgrid/:connectorId', () => {
  const inboxIds = async (connectorId: string): Promise<string[]> =>
    (await api.store.inbox.read(connectorId, '0', 10_000)).map((event) => event.eventId);

  function post(body: Raw, options: { connectorId?: string; signature?: boolean } = {}): Promise<HttpResult> {
    const connectorId = options.connectorId ?? signed.id;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> =
      options.signature === false
        ? {}
        : { [SIGNATURE_HEADER]: signed.sign(timestamp, body.bytes.toString('utf8')), [TIMESTAMP_HEADER]: timestamp };
    return send('POST', `/webhooks/sendgrid/${connectorId}`, { ...body, headers: { ...headers, ...body.headers } }, null);
  }

  let seed = 100;
  const freshEvent = (): Record<string, unknown> => {
    seed += 1;
    const [event] = generateSendgridEvents(1, { seed });
    if (!event) throw new Error('no event generated');
    return { ...event, sg_event_id: `ev-${randomUUID()}` };
  };

  /** Events with a hostile value in one field, as JSON text, and where the issue names it. */
  const BAD_EVENTS: readonly { label: string; event: () => string; path: string; rule: string }[] = [
    {
      label: 'a NUL in sg_event_id',
      event: () => withField(freshEvent(), 'sg_event_id', JSON.stringify('id\u0000x')),
      path: 'sg_event_id',
      rule: 'nul_character',
    },
    {
      label: 'a NUL in a custom argument',
      event: () => withField(freshEvent(), 'customer_tier', JSON.stringify('gold\u0000')),
      path: 'customer_tier',
      rule: 'nul_character',
    },
    {
      label: 'a NUL in a custom argument’s name',
      event: () => withField(freshEvent(), 'tier\u0000', '"gold"'),
      path: '"tier\\u0000"',
      rule: 'nul_character',
    },
    {
      label: 'a lone surrogate in the email',
      event: () => withField(freshEvent(), 'email', '"\\udc00reader@example.com"'),
      path: 'email',
      rule: 'lone_surrogate',
    },
    {
      label: 'a custom argument nested 100,000 deep',
      event: () => withField(freshEvent(), 'journey', nested(100_000)),
      path: 'journey',
      rule: 'too_deep',
    },
    {
      label: 'a missing sg_event_id',
      event: () => JSON.stringify({ ...freshEvent(), sg_event_id: undefined }),
      path: 'sg_event_id',
      rule: 'invalid_type',
    },
  ];

  test.each(BAD_EVENTS.map((bad) => [bad.label, bad] as const))(
    '%s: a batch of it alone is a 400 naming it, and the inbox is unchanged',
    async (_label, bad) => {
      const before = await inboxIds(signed.id);
      expectRefusal(await post(json(`[${bad.event()}]`)), { status: 400, path: `[0].${bad.path}`, rule: bad.rule }, bad.label);
      expect(await inboxIds(signed.id)).toEqual(before);
    },
  );

  test.each(BAD_EVENTS.map((bad) => [bad.label, bad] as const))(
    '%s amid valid events: they are stored, it is named and kept out',
    async (_label, bad) => {
      const [first, last] = [freshEvent(), freshEvent()];
      const response = await post(json(`[${JSON.stringify(first)},${bad.event()},${JSON.stringify(last)}]`));
      expectRefusal(response, { status: 400, path: `[1].${bad.path}`, rule: bad.rule }, bad.label);
      expect(response.body).toMatchObject({ received: 3, stored: 2, refused: 1 });
      const inbox = await inboxIds(signed.id);
      expect(inbox.slice(-2)).toEqual([first.sg_event_id, last.sg_event_id]);
      // SendGrid retries a non-2xx: the retry finds the valid events stored and is refused the same way.
      const retried = await post(json(`[${JSON.stringify(first)},${bad.event()},${JSON.stringify(last)}]`));
      expect(retried).toMatchObject({ status: 400, body: { stored: 0, duplicates: 2, refused: 1 } });
      expect(await inboxIds(signed.id)).toEqual(inbox);
    },
  );

  test('refused events are in the connector’s audit log with where and why, not their content', async () => {
    const activity = await api.store.audit.list(signed.id, 1_000);
    const refusals = activity.filter((entry) => entry.activityType === 'webhook.events-refused');
    expect(refusals.length).toBeGreaterThan(0);
    expect(JSON.stringify(refusals)).not.toMatch(/example\.com|gold/);
    expect(refusals[0]).toMatchObject({
      details: { issues: [expect.objectContaining({ path: expect.any(String), rule: expect.any(String) })] },
    });
  });

  test.each([
    ['text/plain', 'text/plain'],
    ['XML', 'application/xml'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['Latin-1 JSON', 'application/json; charset=iso-8859-1'],
    ['no Content-Type', undefined],
  ])('a body sent as %s is a 415 and stores nothing', async (_label, contentType) => {
    const before = await inboxIds(signed.id);
    const text = contentType === 'application/xml' ? '<events><event/></events>' : JSON.stringify([freshEvent()]);
    const bytes = Buffer.from(text);
    expectRefusal(
      await post(contentType === undefined ? { bytes } : { bytes, contentType }),
      { status: 415, path: 'Content-Type', rule: 'unsupported_media_type' },
      contentType ?? 'none',
    );
    expect(await inboxIds(signed.id)).toEqual(before);
  });

  test('bytes that are not UTF-8, text that is not JSON, and a body over 5 MB are 4xx and store nothing', async () => {
    const before = await inboxIds(unsigned);
    const latin1 = Buffer.concat([
      Buffer.from(`[${JSON.stringify(freshEvent()).slice(0, -1)},"note":"`),
      Buffer.from([0xe9, 0xff]),
      Buffer.from('"}]'),
    ]);
    expectRefusal(
      await post({ bytes: latin1, contentType: 'application/json' }, { connectorId: unsigned, signature: false }),
      { status: 400, path: '(body)', rule: 'invalid_utf8' },
      'latin1',
    );
    expectRefusal(
      await post(json('[{"email": '), { connectorId: unsigned, signature: false }),
      { status: 400, path: '(body)', rule: 'invalid_json' },
      'not json',
    );
    const huge = json(JSON.stringify([{ ...freshEvent(), padding: 'x'.repeat(5 * 1024 * 1024) }]));
    expectRefusal(await post(huge, { connectorId: unsigned, signature: false }), { status: 413, path: '(body)', rule: 'too_big' }, 'huge');
    expect(await inboxIds(unsigned)).toEqual(before);
  });

  test('a signature is still required before any of it is looked at', async () => {
    const response = await post(json(`[${BAD_EVENTS[0]?.event() ?? ''}]`), { signature: false });
    expect(response).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });
});
