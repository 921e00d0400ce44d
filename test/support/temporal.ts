/** What a test file needs to talk to the suite's Temporal server (started once by global-setup). */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import type { temporal as proto } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ephemeralKeyRing } from '../../activities/secrets';
import { payloadDataConverter } from '../../activities/secrets/payload-codec';
import { readThrough, useFixture, type Defer } from './fixture';
import { searchAttributes } from '../../domain/constants';
import { devServerConfig, TEST_ADDRESS_VARIABLE } from './test-server';

export function testServerAddress(): string {
  const address = process.env[TEST_ADDRESS_VARIABLE];
  if (!address) {
    throw new Error(`${TEST_ADDRESS_VARIABLE} is not set: run the tests with jest, whose global setup starts Temporal`);
  }
  return address;
}

/**
 * Workers log every state change at INFO, which buries test output. Jest gives each test file its
 * own copy of the SDK, so this runs once per file, before the first connection creates the runtime.
 */
export function quietSdkLogs(): void {
  if (Runtime._instance === undefined) Runtime.install({ logger: new DefaultLogger('WARN') });
}

/** A client and a worker connection to the shared server; call `teardown()` in afterAll. */
export async function testEnv(): Promise<TestWorkflowEnvironment> {
  quietSdkLogs();
  return TestWorkflowEnvironment.createFromExistingServer({ address: testServerAddress() });
}

/**
 * The payload key ring of this test file's encrypted environment: pass it to createWorkers as
 * `dataKeys`, or its converter (`payloadDataConverter(testDataKeys)`) to any Worker.create.
 */
export const testDataKeys = ephemeralKeyRing();

/**
 * Like testEnv, with a client that encrypts payloads under testDataKeys: what production runs.
 * Every worker the test builds must use the same keys, or it cannot read the client's payloads.
 */
export async function encryptedTestEnv(): Promise<TestWorkflowEnvironment> {
  quietSdkLogs();
  return TestWorkflowEnvironment.createFromExistingServer({
    address: testServerAddress(),
    client: { dataConverter: payloadDataConverter(testDataKeys) },
  });
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();
const PROJECT_WORKFLOWS = require.resolve('../../workflows');

/** Where global-setup leaves the project's workflows bundled once for the whole run (scripts/bundle-workflows.ts; webpack takes seconds). */
export const WORKFLOW_BUNDLE_VARIABLE = 'INSIGHT_HUB_TEST_WORKFLOW_BUNDLE';

/**
 * Workflow code to pass to Worker.create as `workflowBundle`: the project's workflows as global-setup
 * bundled them for the run, any other workflows (a test's fixtures) bundled once per test file.
 */
export function workflowBundle(workflowsPath: string = PROJECT_WORKFLOWS): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    const bundled = process.env[WORKFLOW_BUNDLE_VARIABLE];
    bundle =
      workflowsPath === PROJECT_WORKFLOWS && bundled
        ? readFile(bundled, 'utf8').then((code) => ({ code, sourceMap: '' }))
        : bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

/** A fresh name per test (workflow id, task queue), so tests sharing the server never meet. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

export interface TemporalOptions {
  /** A client that encrypts payloads under testDataKeys (encryptedTestEnv); workers must use them too. */
  encrypted?: boolean;
}

/** testEnv (or encryptedTestEnv), torn down at teardown. */
export async function testTemporal(defer: Defer, { encrypted = false }: TemporalOptions = {}): Promise<TestWorkflowEnvironment> {
  const env = await (encrypted ? encryptedTestEnv() : testEnv());
  defer(() => env.teardown());
  return env;
}

/** What a test file uses of the suite's server, once set up. */
export interface TemporalHandle {
  readonly env: TestWorkflowEnvironment;
  readonly client: Client;
  readonly nativeConnection: NativeConnection;
  readonly namespace: string;
  /** The project's workflows, bundled for Worker.create. */
  readonly bundle: WorkflowBundleWithSourceMap;
}

/** The suite's Temporal server for the describe block (or file): a client, a worker connection, the workflow bundle. */
export function useTemporal(options: TemporalOptions = {}): TemporalHandle {
  const temporal = useFixture('Temporal', async (defer) => {
    const env = await testTemporal(defer, options);
    const { client, nativeConnection, namespace = 'default' } = env;
    return { env, client, nativeConnection, namespace, bundle: await workflowBundle() };
  });
  return readThrough(temporal, ['env', 'client', 'nativeConnection', 'namespace', 'bundle'], {});
}

/**
 * A Temporal dev server of the file's own, for the describe block (or file), started with dynamic
 * config values the shared server must not have (e.g. `limit.historyCount.suggestContinueAsNew=60`).
 */
export function useOwnTemporalServer(dynamicConfig: readonly string[]): TemporalHandle {
  const temporal = useFixture('Temporal server of its own', async (defer) => {
    quietSdkLogs();
    const env = await TestWorkflowEnvironment.createLocal({
      server: { ...devServerConfig(dynamicConfig), searchAttributes: Object.values(searchAttributes) },
    });
    defer(() => env.teardown());
    const { client, nativeConnection, namespace = 'default' } = env;
    return { env, client, nativeConnection, namespace, bundle: await workflowBundle() };
  });
  return readThrough(temporal, ['env', 'client', 'nativeConnection', 'namespace', 'bundle'], {});
}

/** One run of a workflow and its history's events. */
export interface WorkflowRun {
  runId: string;
  events: proto.api.history.v1.IHistoryEvent[];
}

/** The runs of a workflow that continued as new, first to last, as each run's start names the run before. */
export async function runsOf(client: Client, workflowId: string): Promise<WorkflowRun[]> {
  const runs: WorkflowRun[] = [];
  let runId: string | null | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history: proto.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runs.unshift({ runId, events });
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
  }
  return runs;
}
