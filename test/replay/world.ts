/**
 * The product as the recorder drives it: the real workers of worker/workers.ts over an in-memory
 * store, a temporary data folder with embedded DuckDB warehouses, the API in front, and a small
 * simulated Salesforce org. Histories come out as production writes them, without encryption, so
 * that replay needs no key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { openStore } from '../../activities/store';
import type { Store } from '../../activities/store/store';
import { connectWarehouse } from '../../activities/warehouses';
import { createApp } from '../../api/app';
import { issueApiKey } from '../../api/auth/issue-api-key';
import { startApiServer, type RunningServer } from '../../api/server';
import { createConnectorSchema, type CreateConnectorBody, type DestinationConfig } from '../../domain/connector';
import { startSalesforceSimulator, type SalesforceSimulator } from '../../simulators/salesforce/server';
import { createWorkers, runWorkers } from '../../worker/workers';
import { testEnv, uniqueName, workflowBundle } from '../support/temporal';

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export interface World {
  env: TestWorkflowEnvironment;
  store: Store;
  salesforce: SalesforceSimulator;
  taskQueue: string;
  apiUrl: string;
  /** A secret of this world (the admin's API key), for the check that no history holds it. */
  adminKey: string;
  /** Calls the API as an admin. */
  call(method: string, route: string, body?: unknown): Promise<ApiAnswer>;
  /** Stored as the API would store it, without the schedule the API would create. */
  createConnector(body: CreateConnectorBody): Promise<string>;
  warehouseRows(destination: DestinationConfig, sql: string): Promise<Record<string, unknown>[]>;
  /** Stops every worker and starts new ones, as a deploy does: what runs goes on from its history. */
  replaceWorkers(): Promise<void>;
  close(): Promise<void>;
}

/** Few contacts, one misaligned email in ten: every stream fits one batch and the quarantine is never empty. */
const SALESFORCE_ORG = { contacts: 30, deletedRate: 0, seed: 23, flawRates: { 'misaligned-email': 0.1 } } as const;

export async function openWorld(): Promise<World> {
  const env = await testEnv();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-replay-'));
  const store = await openStore({});
  const salesforce = await startSalesforceSimulator(SALESFORCE_ORG);
  const taskQueue = uniqueName('replay-recorder');
  const startWorkers = async (): Promise<{ workers: Worker[]; running: Promise<void> }> => {
    const workers = await createWorkers({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      store,
      dataDir,
      taskQueue,
      workflowBundle: await workflowBundle(),
    });
    return { workers, running: runWorkers(workers) };
  };
  const stopWorkers = async ({ workers, running }: { workers: Worker[]; running: Promise<void> }): Promise<void> => {
    for (const worker of workers) worker.shutdown();
    await running;
  };
  let current = await startWorkers();
  const api: RunningServer = await startApiServer({
    app: createApp({ store, temporal: env.client, workflowTaskQueue: taskQueue }),
    port: 0,
  });
  const adminKey = (await issueApiKey(store, { subject: 'replay-recorder', role: 'admin' }, 'replay recorder')).key;

  return {
    env,
    store,
    salesforce,
    taskQueue,
    apiUrl: api.url,
    adminKey,
    async call(method, route, body) {
      const response = await fetch(`${api.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: response.status === 204 ? null : await response.json() };
    },
    async createConnector(body) {
      return (await store.connectors.create(createConnectorSchema.parse(body))).id;
    },
    async warehouseRows(destination, sql) {
      const warehouse = await connectWarehouse(destination, dataDir);
      try {
        return await warehouse.query(sql);
      } finally {
        await warehouse.close();
      }
    },
    async replaceWorkers() {
      await stopWorkers(current);
      current = await startWorkers();
    },
    async close() {
      await stopWorkers(current);
      await api.close();
      await Promise.all([store.close(), salesforce.stop(), env.teardown()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
