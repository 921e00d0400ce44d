/**
 * The API as a client meets it: served over HTTP on an ephemeral port, backed by the in-memory
 * store and the suite's Temporal server. Each test file gets its own task queue, so the stand-in
 * worker never takes another suite's workflow tasks.
 */
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { z } from 'zod';
import { createApp } from '../../api/app';
import { deleteConnectorSchedule } from '../../api/schedules';
import { startApiServer } from '../../api/server';
import { openStore } from '../../activities/store';
import type { ControlPlaneStore } from '../../activities/store/types';
import { testEnv, uniqueName } from '../support/temporal';

export interface ApiHarness {
  url: string;
  env: TestWorkflowEnvironment;
  client: Client;
  store: ControlPlaneStore;
  taskQueue: string;
  close(): Promise<void>;
}

export async function startApiHarness(): Promise<ApiHarness> {
  const env = await testEnv();
  const store = await openStore({});
  const taskQueue = uniqueName('api-test');
  const server = await startApiServer({ app: createApp({ store, temporal: env.client, workflowTaskQueue: taskQueue }), port: 0 });
  return {
    url: server.url,
    env,
    client: env.client,
    store,
    taskQueue,
    close: async () => {
      await server.close();
      await deleteSchedulesOf(store, env.client);
      await store.close();
      await env.teardown();
    },
  };
}

/** Tests may run against a long-lived cluster (TEMPORAL_ADDRESS): leave no schedule firing there. */
async function deleteSchedulesOf(store: ControlPlaneStore, client: Client): Promise<void> {
  for (const connector of await store.listConnectors()) await deleteConnectorSchedule(client, connector.id);
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One JSON request; `rawBody` sends bytes as they are, to test what the parser makes of them. */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  body?: { json: unknown } | { rawBody: string },
): Promise<HttpResult> {
  const payload = body === undefined ? undefined : 'json' in body ? JSON.stringify(body.json) : body.rawBody;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: payload === undefined ? {} : { 'content-type': 'application/json' },
    body: payload,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
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

const createdConnectorSchema = z.object({ id: z.uuid(), userId: z.string(), status: z.enum(['active', 'paused']) });

/** POSTs a connector and returns its id, failing the test with the response when it is not 201. */
export async function createConnector(baseUrl: string, body: Record<string, unknown>): Promise<string> {
  const created = await request(baseUrl, 'POST', CONNECTORS, { json: body });
  expect(created).toMatchObject({ status: 201 });
  return createdConnectorSchema.parse(created.body).id;
}
