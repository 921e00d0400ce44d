/**
 * Times one ingestion cycle of N Salesforce contacts (default 100k) end to end: a real Temporal
 * server, the worker, jsforce against the simulator, the quality gate and the DuckDB load.
 *
 *   npm run bench -- 100000        (uses TEMPORAL_ADDRESS when set, else starts a dev server)
 *
 * Pages are read at Salesforce's own limit (150 requests a minute: 2,000 records a page makes
 * ≈ 4,900 rows/s at most). `--rate 1000/1` sets another, to time the engine rather than the API.
 * `--simulator <url>` reads a simulator already running (bench/vs-dlt/ starts one in its own
 * process) instead of starting one here; `--json` prints the figures as one JSON line; `--timeline`
 * lists every activity's run on the cycle's clock; `--warehouse <postgres://…>` loads into PostgreSQL
 * (a fresh schema) instead of the embedded DuckDB; `--store <postgres://…>` keeps the control plane
 * in a fresh PostgreSQL database there, as a deployed worker does, instead of PGlite in this process.
 * Like the worker, it takes INSIGHT_HUB_DUCKDB_MEMORY_LIMIT (the embedded DuckDB's cap) and
 * INSIGHT_HUB_WORKFLOW_BUNDLE (workflow code bundled at build time; bundled here at start otherwise).
 * A PostgreSQL warehouse's schema is dropped at the end; `--keep-warehouse` keeps what the cycle
 * loaded (the schema, or the DuckDB file) and says where; `--erased <n>` erases n people first;
 * `--batch-size <n>` sets the connector's batch size.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { ephemeralKeyRing } from '../activities/secrets';
import { batchSizeSchema } from '../activities/sources/definition';
import { openStore } from '../activities/store';
import { createConnectorSchema, type DestinationConfig } from '../domain/connector';
import { connectWarehouse } from '../activities/warehouses';
import { activityTimeline, activityTimes, secondsToLastCommit } from './cycle-profile';
import { sampleMemory, type MemoryFigures } from './memory-sampler';
import { ingestionCycle } from '../workflows';
import { createDatabase, withPgClient } from '../simulators/fresh-database';
import { startSalesforceSimulator } from '../simulators/salesforce/server';
import { simulatedSalesforceSource } from '../simulators/salesforce/source';
import { startTestServer, stopTestServer, TEST_ADDRESS_VARIABLE } from '../test/support/test-server';
import { loadSettings } from '../worker/settings';
import { createWorkers, runWorkers } from '../worker/workers';

const contacts = Number(process.argv[2] ?? 100_000);
const rateArgument = /^(\d+)\/(\d+)$/.exec(process.argv[process.argv.indexOf('--rate') + 1] ?? '');
const rateLimit =
  process.argv.includes('--rate') && rateArgument ? { requests: Number(rateArgument[1]), perSeconds: Number(rateArgument[2]) } : null;
const simulatorUrl = process.argv.includes('--simulator') ? process.argv[process.argv.indexOf('--simulator') + 1] : undefined;
/** `--warehouse <postgres://…>`: load into PostgreSQL (a fresh schema), whose loads run in its own process; DuckDB embedded otherwise. */
const postgresUrl = process.argv.includes('--warehouse') ? (process.argv[process.argv.indexOf('--warehouse') + 1] ?? '') : undefined;
/** `--store <postgres://…>`: the control plane in a fresh database on that server, outside this process. */
const storeServerUrl = process.argv.includes('--store') ? (process.argv[process.argv.indexOf('--store') + 1] ?? '') : undefined;
for (const [flag, url] of [
  ['--warehouse', postgresUrl],
  ['--store', storeServerUrl],
] as const) {
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
    console.error(`${flag} takes a PostgreSQL URL (postgresql://user@host:port/database)`);
    process.exit(2);
  }
}
const destination: DestinationConfig = postgresUrl
  ? { kind: 'postgres', url: postgresUrl, schema: `bench_${Date.now()}` }
  : { kind: 'duckdb', schema: 'marketing' };
const asJson = process.argv.includes('--json');
/** `--keep-warehouse`: leave the loaded warehouse behind (the DuckDB file, e.g. for `bench/model-refresh.ts --copy-of`, or the PostgreSQL schema). */
const keepWarehouse = process.argv.includes('--keep-warehouse');
const showTimeline = process.argv.includes('--timeline');
/**
 * `--erased <n>`: n people erased before the cycle (none of them in the org), as a deployment that
 * has honoured any erasure has: every batch is then screened against the suppression list, and so is
 * every load. None by default.
 */
const erased = process.argv.includes('--erased') ? Number(process.argv[process.argv.indexOf('--erased') + 1]) : 0;
if (!Number.isInteger(erased) || erased < 0) {
  console.error('--erased takes a count of people erased before the cycle (0 or more)');
  process.exit(2);
}
/** `--batch-size <n>`: the connector's batch size (rows validated, gated and loaded together; the bulk job's chunk); the source's default otherwise. */
const batchSize = process.argv.includes('--batch-size') ? Number(process.argv[process.argv.indexOf('--batch-size') + 1]) : undefined;
if (batchSize !== undefined && !batchSizeSchema.safeParse(batchSize).success) {
  console.error("--batch-size takes a whole number of rows from 100 to 200,000 (the connector's batchSize)");
  process.exit(2);
}
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  if (!simulatorUrl) say(`generating a simulated org with ${contacts} contacts…`);
  const simulator = simulatorUrl
    ? { url: simulatorUrl, stop: () => Promise.resolve() }
    : await startSalesforceSimulator({ contacts, counts: { Lead: 0, Opportunity: 0, CampaignMember: 0 } });
  const { duckdbMemoryLimit, workflowBundlePath } = loadSettings();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-bench-'));
  const storeDatabase = storeServerUrl ? await createDatabase(storeServerUrl, 'bench_store') : null;
  try {
    // The bench's database is dropped at the end: a key for this run alone seals its credentials.
    const store = await openStore(storeDatabase ? { databaseUrl: storeDatabase.url, secrets: ephemeralKeyRing() } : {});
    await startTestServer();
    const address = process.env[TEST_ADDRESS_VARIABLE] ?? '';
    const nativeConnection = await NativeConnection.connect({ address });
    const client = new Client({ connection: await Connection.connect({ address }) });
    const taskQueue = `bench-${Date.now()}`;
    const connector = await store.connectors.create(
      createConnectorSchema.parse({
        userId: 'bench',
        name: 'bench',
        status: 'active',
        configuration: {
          source: simulatedSalesforceSource(simulator.url, { apiQuotaShare: 1, ...(batchSize !== undefined && { batchSize }) }),
          destination,
          guardrails: { maxInvalidShare: 0.5 },
          schedule: { every: '1h' },
        },
      }),
    );
    for (let i = 0; i < erased; i += 1) await store.privacy.suppressSubject({ email: `erased-${i}@example.invalid` }, randomUUID(), []);
    // Created after the connector: the workers poll the queue of its Salesforce account from the start.
    const workers = await createWorkers({
      connection: nativeConnection,
      namespace: 'default',
      store,
      dataDir,
      taskQueue,
      duckdbMemoryLimit,
      ...(workflowBundlePath ? { workflowBundle: { codePath: workflowBundlePath } } : {}),
      ...(rateLimit ? { rateLimits: { salesforce: rateLimit } } : {}),
    });
    const running = runWorkers(workers);
    // The worker's own instance (one per file per process): the sampler reads DuckDB's figures from it.
    const warehouse = await connectWarehouse(destination, dataDir, duckdbMemoryLimit);
    // A long-lived worker is already polling when a cycle starts: the account workers' start is not timed.
    await setTimeout(2_000);

    say('running one cycle…');
    const rssBefore = process.memoryUsage().rss;
    const sampler = await sampleMemory(destination.kind === 'duckdb' ? warehouse : null);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const handle = await client.workflow.start(ingestionCycle, {
      taskQueue,
      workflowId: `bench/${connector.id}`,
      args: [{ connectorId: connector.id, trigger: 'manual' }],
    });
    const report = await handle.result();
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const memory = sampler.stop();
    for (const worker of workers) worker.shutdown();
    await running;

    const history = await handle.fetchHistory();
    const activities = activityTimes(history);
    const committedSeconds = secondsToLastCommit(history);
    const [loaded] = await warehouse.query(`select count(*) as n from ${destination.schema}.salesforce_contact`);
    await warehouse.close();

    const stream = report?.streams[0];
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    if (asJson) {
      const figures = {
        seconds,
        committedSeconds,
        // The worker's process only: the Temporal server runs in its own.
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        peakRssMiB: memory.peak.rssMiB,
        rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
        memory,
        extracted: stream?.extracted,
        quarantined: stream?.quarantined,
        loaded: Number(loaded?.n),
        activities,
      };
      console.log(JSON.stringify(figures));
    } else {
      console.log(
        [
          `contacts extracted   ${stream?.extracted}`,
          `rows in warehouse    ${String(loaded?.n)} (quarantined ${stream?.quarantined})`,
          `cycle time           ${seconds.toFixed(1)} s (last batch committed at ${committedSeconds?.toFixed(1) ?? '–'} s)`,
          `throughput           ${Math.round(contacts / seconds)} rows/s`,
          `peak RSS (process)   ${memory.peak.rssMiB} MiB (before the cycle ${mb(rssBefore)} MiB)`,
          ...memoryLines(memory, destination.kind === 'duckdb'),
          'activities (count, seconds running, seconds waiting for a worker):',
          ...Object.entries(activities)
            .sort(([, a], [, b]) => b.runSeconds - a.runSeconds)
            .map(
              ([type, t]) =>
                `  ${type.padEnd(22)} ${String(t.count).padStart(4)}  ${t.runSeconds.toFixed(2)} s  ${t.waitSeconds.toFixed(2)} s`,
            ),
          ...(showTimeline
            ? [
                'timeline (s from the cycle start: started → closed):',
                ...activityTimeline(history).map(
                  (span) => `  ${span.startedAt.toFixed(2).padStart(6)} → ${span.closedAt.toFixed(2).padStart(6)}  ${span.type}`,
                ),
              ]
            : []),
        ].join('\n'),
      );
    }

    await Promise.all([store.close(), simulator.stop(), nativeConnection.close(), client.connection.close()]);
    await stopTestServer();
  } finally {
    // Whether the cycle ran or failed: nothing of the run stays on the PostgreSQL server unless asked.
    await storeDatabase?.drop();
    if (keepWarehouse) {
      say(
        postgresUrl
          ? `the warehouse is kept in the schema ${destination.schema}`
          : `the warehouse is kept: ${path.join(dataDir, 'warehouse.duckdb')}`,
      );
    } else if (postgresUrl) {
      await withPgClient(postgresUrl, (pg) => pg.query(`DROP SCHEMA IF EXISTS ${destination.schema} CASCADE`));
    }
    if (!keepWarehouse || postgresUrl) await rm(dataDir, { recursive: true, force: true });
  }
}

/** The breakdown at the resident set's peak, and each figure's own peak beside it. */
function memoryLines({ duckdbMemoryLimit, peak, atRssPeak }: MemoryFigures, embedded: boolean): string[] {
  const row = (name: string, key: keyof typeof peak) =>
    `  ${name.padEnd(36)} ${String(atRssPeak[key]).padStart(6)} MiB  (its peak ${peak[key]} MiB)`;
  const unnamed = atRssPeak.rssMiB - atRssPeak.heapTotalMiB - atRssPeak.externalMiB - atRssPeak.duckdbMiB;
  return [
    `memory at the RSS peak (DuckDB memory_limit ${duckdbMemoryLimit}):`,
    row('V8 heap used', 'heapUsedMiB'),
    row('V8 heap total', 'heapTotalMiB'),
    row('external (Buffers and ArrayBuffers)', 'externalMiB'),
    row('  of it ArrayBuffers', 'arrayBuffersMiB'),
    // Loads into PostgreSQL run in its own process: there is no DuckDB in this one to read.
    ...(embedded ? [row('DuckDB buffer manager', 'duckdbMiB'), row('DuckDB spilled to disk', 'duckdbSpilledMiB')] : []),
    // Native code, the Temporal worker's core, PGlite's WebAssembly memory, what allocators keep.
    `  ${'the rest of the RSS'.padEnd(36)} ${String(unnamed).padStart(6)} MiB`,
  ];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
