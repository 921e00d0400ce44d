/** What a test file needs to talk to the suite's Temporal server (started once by global-setup). */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ephemeralKeyRing } from '../../activities/secrets';
import { payloadDataConverter } from '../../activities/secrets/payload-codec';
import { TEST_ADDRESS_VARIABLE } from './test-server';

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
function quietSdkLogs(): void {
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

/**
 * Workflow code bundled once per test file (webpack takes seconds); pass it to Worker.create as
 * `workflowBundle`. Defaults to the project's workflows.
 */
export function workflowBundle(workflowsPath: string = require.resolve('../../workflows')): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

/** A fresh name per test (workflow id, task queue), so tests sharing the server never meet. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
