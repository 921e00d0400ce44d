/**
 * The whole product in the test process, as the integration suites drive it: the suite's Temporal
 * server, a control-plane store, a data folder, the real workers on a task queue of their own, the
 * API with an admin key, and, when asked, a Salesforce simulator and a destination warehouse.
 */
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { z } from 'zod';
import { openStore } from '../../activities/store';
import type { Store } from '../../activities/store/store';
import { connectWarehouse } from '../../activities/warehouses';
import { createApp } from '../../api/app';
import { issueApiKey } from '../../api/auth/issue-api-key';
import type { IngestionCycleWorkflow } from '../../api/cycle-workflow';
import { startApiServer } from '../../api/server';
import type { CreateConnectorBody, DestinationConfig } from '../../domain/connector';
import { cycleReportSchema, type CycleReport } from '../../domain/cycle';
import { cycleReportOf } from '../../domain/cycle-failure';
import { startSalesforceSimulator, type SalesforceSimulator, type SalesforceSimulatorOptions } from '../../simulators/salesforce/server';
import { createWorkers, runWorkers, type WorkerOptions } from '../../worker/workers';
import { eventually } from './eventually';
import { readThrough, useFixture, type Defer } from './fixture';
import { testStore, type OpenStore } from './store';
import { tempDir } from './temp-dir';
import { testDataKeys, testTemporal, uniqueName, workflowBundle } from './temporal';

/** A warehouse started for a suite, and how to take it down. */
export interface SuiteDestination {
  config: DestinationConfig;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Names the task queue, the data folder and the admin key, so a stray one says whose it is. */
  name: string;
  /** Where cycles load and `warehouseRows` reads: a config, or a warehouse to start. DuckDB (schema marketing) by default. */
  destination?: DestinationConfig | (() => Promise<SuiteDestination>);
  /** Starts a Salesforce simulator with these options (`stack.salesforce`). */
  salesforce?: SalesforceSimulatorOptions;
  /** Encrypted client and workers (testDataKeys), as production runs. */
  encrypted?: boolean;
  /** Serves the API with an admin key (`call`); true by default. */
  api?: boolean;
}

export interface ApiResult {
  status: number;
  body: unknown;
}

export interface Stack<S extends Store> {
  readonly env: TestWorkflowEnvironment;
  readonly client: Client;
  readonly store: S;
  readonly dataDir: string;
  readonly taskQueue: string;
  readonly destination: DestinationConfig;
  readonly salesforce: SalesforceSimulator;
  readonly apiUrl: string;
  readonly adminKey: string;
  /** One request to the API as admin; a JSON body, answered with JSON (or nothing, 204). */
  call(method: string, route: string, body?: unknown): Promise<ApiResult>;
  /** Creates a connector through the API; returns its id. */
  createConnector(body: CreateConnectorBody): Promise<string>;
  /** Starts a cycle of the connector through the API; returns its workflow id. */
  startCycle(connectorId: string): Promise<string>;
  /** Starts a cycle through the API and polls its run there until it is no longer running. */
  runCycle(connectorId: string): Promise<CycleReport>;
  /** The report of a cycle, once it finished, from Temporal. */
  finished(workflowId: string): Promise<CycleReport>;
  /** Rows of a query on the destination, through a connection of its own. */
  warehouseRows(sql: string): Promise<Record<string, unknown>[]>;
}

interface RunningStack<S extends Store> {
  env: TestWorkflowEnvironment;
  store: S;
  dataDir: string;
  taskQueue: string;
  destination: DestinationConfig;
  salesforce: SalesforceSimulator | undefined;
  api: { url: string; adminKey: string } | undefined;
}

const DUCKDB: DestinationConfig = { kind: 'duckdb', schema: 'marketing' };
const CONNECTORS = '/api/v1/data-warehouse-connector';
const createdSchema = z.object({ id: z.string() });
const startedSchema = z.object({ workflowId: z.string() });
const runViewSchema = z.object({ temporalStatus: z.string().nullable(), report: z.unknown() });

/** The product's workers (createWorkers) running on `options.taskQueue` until teardown. */
export async function startTestWorkers(options: WorkerOptions, defer: Defer): Promise<void> {
  const workers = await createWorkers(options);
  const running = runWorkers(workers);
  defer(async () => {
    for (const worker of workers) worker.shutdown();
    await running;
  });
}

async function startDestination(destination: StackOptions['destination'], defer: Defer): Promise<DestinationConfig> {
  if (typeof destination !== 'function') return destination ?? DUCKDB;
  const started = await destination();
  defer(() => started.stop());
  return started.config;
}

async function startStack<S extends Store>(options: StackOptions, open: OpenStore<S>, defer: Defer): Promise<RunningStack<S>> {
  const { name, encrypted = false } = options;
  const env = await testTemporal(defer, { encrypted });
  const destination = await startDestination(options.destination, defer);
  const dataDir = await tempDir(`insight-hub-${name}-`, defer);
  let salesforce: SalesforceSimulator | undefined;
  if (options.salesforce) {
    const simulator = await startSalesforceSimulator(options.salesforce);
    defer(() => simulator.stop());
    salesforce = simulator;
  }
  const store = await testStore(defer, open);
  const taskQueue = uniqueName(name);
  const connection = { connection: env.nativeConnection, namespace: env.namespace ?? 'default' };
  await startTestWorkers(
    { ...connection, store, dataDir, taskQueue, workflowBundle: await workflowBundle(), ...(encrypted ? { dataKeys: testDataKeys } : {}) },
    defer,
  );
  let api: RunningStack<S>['api'];
  if (options.api ?? true) {
    const server = await startApiServer({
      app: createApp({ store, temporal: env.client, workflowTaskQueue: taskQueue, dataDir }),
      port: 0,
    });
    defer(() => server.close());
    api = { url: server.url, adminKey: (await issueApiKey(store, { subject: `${name}-admin`, role: 'admin' }, `${name} test`)).key };
  }
  return { env, store, dataDir, taskQueue, destination, salesforce, api };
}

function asked<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this stack has no ${what}: ask useStack for it`);
  return value;
}

/**
 * The product for the describe block (or file): set up before its tests, closed after them, also
 * when set-up failed half-way. Its getters throw until set-up has run. What the file's own hooks
 * leave running on it (a long-lived workflow) they end with onTeardown.
 */
export function useStack(options: StackOptions): Stack<Store>;
/** The same on a store of the test's own (opened by `openStore`). */
export function useStack<S extends Store>(options: StackOptions, openStore: OpenStore<S>): Stack<S>;
export function useStack(options: StackOptions, open: OpenStore<Store> = () => openStore({})): Stack<Store> {
  const running = useFixture(`the stack ${options.name}`, (defer) => startStack(options, open, defer));
  const api = () => asked(running().api, 'API (api: false)');

  async function call(method: string, route: string, body?: unknown): Promise<ApiResult> {
    const { url, adminKey } = api();
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  }

  async function startCycle(connectorId: string): Promise<string> {
    const started = await call('POST', `${CONNECTORS}/${connectorId}/runs`, {});
    expect(started.status).toBe(202);
    return startedSchema.parse(started.body).workflowId;
  }

  return readThrough(running, ['env', 'store', 'dataDir', 'taskQueue', 'destination'], {
    get client() {
      return running().env.client;
    },
    get salesforce() {
      return asked(running().salesforce, 'Salesforce simulator (salesforce: options)');
    },
    get apiUrl() {
      return api().url;
    },
    get adminKey() {
      return api().adminKey;
    },
    call,
    async createConnector(body) {
      const created = await call('POST', CONNECTORS, body);
      expect(created.status).toBe(201);
      return createdSchema.parse(created.body).id;
    },
    startCycle,
    async runCycle(connectorId) {
      const workflowId = await startCycle(connectorId);
      return eventually(
        `cycle ${workflowId}`,
        async () => {
          const view = runViewSchema.parse((await call('GET', `/api/v1/runs/${encodeURIComponent(workflowId)}`)).body);
          return view.temporalStatus !== 'RUNNING' && view.report ? cycleReportSchema.parse(view.report) : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 200 },
      );
    },
    async finished(workflowId) {
      return cycleReportOf(running().env.client.workflow.getHandle<IngestionCycleWorkflow>(workflowId).result());
    },
    async warehouseRows(sql) {
      const { destination, dataDir } = running();
      const warehouse = await connectWarehouse(destination, dataDir);
      try {
        return await warehouse.query(sql);
      } finally {
        await warehouse.close();
      }
    },
  });
}
