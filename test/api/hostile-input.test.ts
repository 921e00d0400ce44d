/**
 * Hostile input, route by route, as a client who means harm sends it: a NUL character, a lone
 * surrogate, a NUL in a key, nesting 40 and 100,000 deep, bytes that are not UTF-8, bodies that are
 * not JSON (text, XML, a form, no Content-Type), a body over the limit, and path parameters that
 * decode to a NUL or do not decode at all (`%ZZ`, `%E0%A4%A`, UTF-8 of a surrogate). Every answer
 * is a 4xx naming where and which rule, never a 5xx; nothing is stored; a request without a
 * credential is still a 401 first. The corpus is in test/api/hostile/ (a module per route family);
 * the SendGrid webhook's events are in hostile-webhook.test.ts.
 */
import { createApp } from '../../api/app';
import { ROUTE_POLICIES } from '../../api/auth/policy';
import { CODEC_PATH } from '../../api/codec-server';
import type { CodecEndpoint } from '../../api/deps';
import { parseKeyRing } from '../../activities/secrets';
import { AesGcmPayloadCodec, PAYLOAD_KEYS_VARIABLE } from '../../activities/secrets/payload-codec';
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import { createSendgridSigningKey } from '../../simulators/sendgrid/signing';
import { keyEntry } from '../secrets/fixtures';
import { connectorBody, createConnector, useApiHarness } from './harness';
import { hostileRequests } from './hostile/classes';
import { expectRefusal, send } from './hostile/requests';
import { hostileCorpus } from './hostile/routes';
import { sendgridConnector } from './hostile/sendgrid';
import { routesOf } from './routes-of';

const codecEndpoint: CodecEndpoint = {
  codec: new AesGcmPayloadCodec(parseKeyRing(keyEntry('payload-k1'), PAYLOAD_KEYS_VARIABLE)),
  allowedOrigins: [],
  namespaces: ['default'],
};

const api = useApiHarness({ codecEndpoint });
/** The connector hostile requests aim at: any of them getting through would change it. */
let target: string;
/** SendGrid connectors (one signed, one unsigned) whose inboxes must stay as they are. */
let signed: { id: string };
let unsigned: string;

beforeAll(async () => {
  target = await createConnector(api, connectorBody('test-admin'));
  const key = createSendgridSigningKey();
  signed = { id: await sendgridConnector(api, { publicKey: key.publicKey }) };
  unsigned = await sendgridConnector(api, { allowUnsigned: true });
});

const ROUTES = () => hostileCorpus({ target, unsigned });

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
      expectRefusal(await send(api, method, request.path, request.body), request.expected, `${name} ${request.label}`);
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
        statuses.add((await send(api, method, request.path, request.body, null)).status);
      }
      expect([...statuses]).toEqual([401]);
    });
  }
});

// ---- The SendGrid webhook: each event judged on its own ----
