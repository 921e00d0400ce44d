/**
 * The API as a client meets it: served over HTTP on an ephemeral port, backed by the in-memory
 * store and the suite's Temporal server. Each test file gets its own task queue, so the stand-in
 * worker never takes another suite's workflow tasks.
 */
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { z } from 'zod';
import { createApp } from '../../api/app';
import { issueApiKey } from '../../api/auth/issue-api-key';
import type { CodecEndpoint } from '../../api/deps';
import { deleteConnectorSchedule } from '../../api/schedules';
import { startApiServer } from '../../api/server';
import { openStore, type Store } from '../../activities/store';
import type { Role } from '../../domain/access';
import { readThrough, useFixture } from '../support/fixture';
import { testEnv, uniqueName, workflowBundle } from '../support/temporal';

/** The secret the harness's API checks HS256 tokens with (test/api/tokens.ts signs them). */
export const TEST_JWT_SECRET = 'insight-hub-test-jwt-secret-of-at-least-32-characters';

export interface ApiHarness {
  url: string;
  env: TestWorkflowEnvironment;
  client: Client;
  store: Store;
  taskQueue: string;
  /** An admin API key: what the tests that are not about access call with. */
  adminKey: string;
  /** One request; as admin unless another credential (or null: none) is given. */
  call(method: string, path: string, body?: RequestBody, credential?: string | null): Promise<HttpResult>;
  /** A fresh API key for the subject and role. */
  keyFor(role: Role, subject?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startApiHarness(options: { codecEndpoint?: CodecEndpoint } = {}): Promise<ApiHarness> {
  const env = await testEnv();
  const store = await openStore({});
  const taskQueue = uniqueName('api-test');
  const authentication = { jwt: { hs256Secret: Buffer.from(TEST_JWT_SECRET) } };
  const app = createApp({ store, temporal: env.client, workflowTaskQueue: taskQueue, authentication, ...options });
  const server = await startApiServer({ app, port: 0 });
  const keyFor = async (role: Role, subject: string = uniqueName(role)): Promise<string> =>
    (await issueApiKey(store, { subject, role }, 'test harness')).key;
  const adminKey = await keyFor('admin', 'test-admin');
  return {
    url: server.url,
    env,
    client: env.client,
    store,
    taskQueue,
    adminKey,
    call: (method, path, body, credential = adminKey) => request(server.url, method, path, body, credential),
    keyFor,
    close: async () => {
      await server.close();
      await deleteSchedulesOf(store, env.client);
      await store.close();
      await env.teardown();
    },
  };
}

/** The API harness of the file (or describe block), started before its tests and closed after them. */
export function useApiHarness(options: { codecEndpoint?: CodecEndpoint } = {}): ApiHarness {
  const harness = useFixture('the API harness', async (defer) => {
    const api = await startApiHarness(options);
    defer(() => api.close());
    return api;
  });
  return readThrough(harness, ['url', 'env', 'client', 'store', 'taskQueue', 'adminKey'], {
    call: (...args) => harness().call(...args),
    keyFor: (...args) => harness().keyFor(...args),
    // Teardown closes it: here for the helpers that take any harness, not for the tests to call.
    close: () => harness().close(),
  });
}

/** The API on a store of its own and a Temporal client of the file's, with an admin key. */
export interface ApiOnClient {
  url: string;
  store: Store;
  client: Client;
  adminKey: string;
}

/**
 * The API over a client the file makes (one pointed at a closed port, one that encrypts) instead of
 * the harness's, for the describe block (or file); closed after its tests, the client's connection too.
 */
export function useApiOnClient(connect: () => Promise<Client>, options: { codecEndpoint?: CodecEndpoint } = {}): ApiOnClient {
  const api = useFixture('the API on its own client', async (defer) => {
    const client = await connect();
    defer(() => client.connection.close().catch(() => undefined));
    const store = await openStore({});
    defer(() => store.close());
    const adminKey = (await issueApiKey(store, { subject: 'test-admin', role: 'admin' }, 'test')).key;
    const server = await startApiServer({ app: createApp({ store, temporal: client, authentication: { jwt: {} }, ...options }), port: 0 });
    defer(() => server.close());
    return { url: server.url, store, client, adminKey };
  });
  return readThrough(api, ['url', 'store', 'client', 'adminKey'], {});
}

/**
 * The file's API harness with a stand-in worker on its task queue (the file's fixture workflows, and
 * activities when given), set up before the file's tests and closed after them; `started` receives
 * the harness as soon as it is up.
 */
export function useApiWithStandIn(
  standIn: { workflows: string; activities?: (api: ApiHarness) => object },
  started: (api: ApiHarness) => void,
): void {
  let api: ApiHarness | undefined;
  let worker: Worker | undefined;
  let workerRunning: Promise<void> | undefined;
  beforeAll(async () => {
    api = await startApiHarness();
    started(api);
    worker = await Worker.create({
      connection: api.env.nativeConnection,
      taskQueue: api.taskQueue,
      workflowBundle: await workflowBundle(standIn.workflows),
      activities: standIn.activities?.(api),
    });
    workerRunning = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await workerRunning;
    await api?.close();
  });
}

/** Tests may run against a long-lived cluster (TEMPORAL_ADDRESS): leave no schedule firing there. */
async function deleteSchedulesOf(store: Store, client: Client): Promise<void> {
  for (const connector of await store.connectors.list()) await deleteConnectorSchedule(client, connector.id);
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
}

export type RequestBody = { json: unknown } | { rawBody: string };

/** One JSON request; `rawBody` sends bytes as they are, to test what the parser makes of them. */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  body?: RequestBody,
  credential?: string | null,
): Promise<HttpResult> {
  const payload = body === undefined ? undefined : 'json' in body ? JSON.stringify(body.json) : body.rawBody;
  const headers: Record<string, string> = {
    ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    ...(credential ? { authorization: `Bearer ${credential}` } : {}),
  };
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  // The docs page and its files are the only answers that are not JSON.
  const json = response.headers.get('content-type')?.startsWith('application/json') ?? false;
  return { status: response.status, headers: response.headers, body: text === '' ? null : json ? JSON.parse(text) : text };
}

export const CONNECTORS = '/api/v1/data-warehouse-connector';

/** Credentials that must never come back out of the API. */
export const SECRETS = { clientSecret: 'cs-9f2a-never-shown', password: 'pw-77b1-never-shown' };

export function connectorBody(userId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userId,
    name: uniqueName('crm'),
    configuration: {
      source: {
        kind: 'salesforce',
        loginUrl: 'http://127.0.0.1:1/login',
        auth: { type: 'oauth-password', clientId: 'client-id', username: 'api-user', ...SECRETS },
      },
    },
    ...overrides,
  };
}

const issuesSchema = z.object({ issues: z.array(z.object({ path: z.string() })) });

/** The fields a refused body's issues name, sorted. */
export function issuePaths(body: unknown): string[] {
  return issuesSchema
    .parse(body)
    .issues.map((issue) => issue.path)
    .sort();
}

const createdConnectorSchema = z.object({ id: z.uuid(), userId: z.string(), status: z.enum(['active', 'paused']) });

/** POSTs a connector (as admin unless told) and returns its id, failing the test with the response when it is not 201. */
export async function createConnector(api: ApiHarness, body: Record<string, unknown>, credential?: string): Promise<string> {
  const created = await api.call('POST', CONNECTORS, { json: body }, credential);
  expect(created).toMatchObject({ status: 201 });
  return createdConnectorSchema.parse(created.body).id;
}
