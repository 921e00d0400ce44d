/**
 * The one Temporal server of a jest run: started by global-setup, stopped by global-teardown, shared
 * by every test file through TEMPORAL_TEST_ADDRESS. One server for the whole suite keeps the run
 * fast on small machines; tests stay independent by using fresh workflow ids and task queues.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { TestWorkflowEnvironment, type DevServerConfig } from '@temporalio/testing';
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType, type SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { searchAttributes } from '../../domain/constants';

interface RunningTestServer {
  env: TestWorkflowEnvironment;
  /** Removes the exit hook once teardown has stopped the server (its pid may be reused later). */
  forgetExitHook: () => void;
}

declare global {
  // Jest runs globalSetup and globalTeardown in one context and shares only globals between them.
  var insightHubTestServer: RunningTestServer | undefined;
}

export const TEST_ADDRESS_VARIABLE = 'TEMPORAL_TEST_ADDRESS';
const NAMESPACE = 'default';

/** The same binary as the demo's, found or built by scripts/temporal.sh (its progress goes to stderr). */
export function temporalCliPath(): string {
  const script = path.resolve(__dirname, '../../scripts/temporal.sh');
  return execFileSync('bash', [script, 'path'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' }).trim();
}

type IndexedValueType = NonNullable<ReturnType<typeof encodeSearchAttributeIndexedValueType>>;

function indexedValueType(key: SearchAttributeKey<SearchAttributeType>): IndexedValueType {
  const type = encodeSearchAttributeIndexedValueType(key.type);
  if (type === undefined) throw new Error(`search attribute ${key.name}: type ${key.type} has no server equivalent`);
  return type;
}

/** Creates the project's search attributes missing on a cluster we did not start. */
async function ensureSearchAttributes(connection: Connection): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace: NAMESPACE });
  const missing = Object.values(searchAttributes).filter((key) => !(key.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace: NAMESPACE,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueType(key)])),
  });
}

async function useExistingCluster(address: string): Promise<string> {
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address, namespace: NAMESPACE });
  try {
    await ensureSearchAttributes(env.connection);
  } finally {
    await env.teardown();
  }
  return address;
}

/**
 * A dev server of scripts/temporal.sh's binary, run as that script runs it (the tests', the
 * benchmarks'), with any further dynamic config values (`limit.historyCount.suggestContinueAsNew=300`).
 */
export function devServerConfig(dynamicConfig: readonly string[] = []): Omit<DevServerConfig, 'type'> {
  return {
    executable: { type: 'existing-path', path: temporalCliPath() },
    ip: '127.0.0.1',
    // The dev server's warnings are start-up and shutdown chatter; errors still show.
    log: { format: 'pretty', level: 'error' },
    // As scripts/temporal.sh: one partition per task queue, so a source queue's rate is one bucket.
    extraArgs: [
      '--dynamic-config-value',
      'matching.numTaskqueueReadPartitions=1',
      '--dynamic-config-value',
      'matching.numTaskqueueWritePartitions=1',
      ...dynamicConfig.flatMap((value) => ['--dynamic-config-value', value]),
    ],
  };
}

async function startDevServer(dynamicConfig: readonly string[]): Promise<string> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: { ...devServerConfig(dynamicConfig), namespace: NAMESPACE, searchAttributes: Object.values(searchAttributes) },
  });
  globalThis.insightHubTestServer = { env, forgetExitHook: killServerIfJestDies(env.address) };
  return env.address;
}

/**
 * When jest's process dies on an uncaught error, globalTeardown never runs and the dev server would
 * outlive it. Node still emits 'exit' then, which allows a synchronous kill of the server: the child
 * of this process that listens on our port.
 */
function killServerIfJestDies(address: string): () => void {
  const port = address.slice(address.lastIndexOf(':') + 1);
  const found = spawnSync('pgrep', ['-P', String(process.pid), '-f', `start-dev --port ${port} `], { encoding: 'utf8' });
  const pid = Number.parseInt(found.stdout ?? '', 10);
  if (!Number.isInteger(pid)) return () => undefined;
  const kill = (): void => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: nothing left to clean up.
    }
  };
  process.once('exit', kill);
  return () => process.off('exit', kill);
}

/**
 * Starts the suite's server (or adopts TEMPORAL_ADDRESS) and publishes its address to test files.
 * `dynamicConfig` applies to a dev server started here, not to an existing cluster.
 */
export async function startTestServer(dynamicConfig: readonly string[] = []): Promise<void> {
  const startedAt = performance.now();
  const external = process.env.TEMPORAL_ADDRESS;
  const address = external ? await useExistingCluster(external) : await startDevServer(dynamicConfig);
  // Jest starts test workers after globalSetup, with a copy of this process's environment.
  process.env[TEST_ADDRESS_VARIABLE] = address;
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  const what = external ? 'existing Temporal cluster' : 'Temporal dev server';
  process.stderr.write(`\n${what} for the tests at ${address} (ready in ${seconds} s)\n`);
}

export async function stopTestServer(): Promise<void> {
  const running = globalThis.insightHubTestServer;
  if (!running) return;
  await running.env.teardown();
  running.forgetExitHook();
  globalThis.insightHubTestServer = undefined;
}
