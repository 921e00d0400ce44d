/**
 * Times one ingestion cycle of N Salesforce contacts (default 100k) end to end: a real Temporal
 * server, the worker, jsforce against the simulator, the quality gate and the DuckDB load.
 *
 *   npm run bench -- 100000        (uses TEMPORAL_ADDRESS when set, else starts a dev server)
 *
 * Pages are read at Salesforce's own limit (150 requests a minute: 2,000 records a page makes
 * ≈ 4,900 rows/s at most). `--rate 1000/1` sets another, to time the engine rather than the API.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { openStore } from '../activities/store';
import { createConnectorSchema } from '../domain/connector';
import { connectWarehouse } from '../activities/warehouses';
import { ingestionCycle } from '../workflows';
import { startSalesforceSimulator } from '../simulators/salesforce/server';
import { simulatedSalesforceSource } from '../simulators/salesforce/source';
import { startTestServer, stopTestServer, TEST_ADDRESS_VARIABLE } from '../test/support/test-server';
import { createWorkers } from '../worker/workers';

const contacts = Number(process.argv[2] ?? 100_000);
const rateArgument = /^(\d+)\/(\d+)$/.exec(process.argv[process.argv.indexOf('--rate') + 1] ?? '');
const rateLimit =
  process.argv.includes('--rate') && rateArgument ? { requests: Number(rateArgument[1]), perSeconds: Number(rateArgument[2]) } : null;
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  say(`generating a simulated org with ${contacts} contacts…`);
  const simulator = await startSalesforceSimulator({ contacts, counts: { Lead: 0, Opportunity: 0, CampaignMember: 0 } });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-bench-'));
  const store = await openStore({});
  await startTestServer();
  const address = process.env[TEST_ADDRESS_VARIABLE] ?? '';
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection: await Connection.connect({ address }) });
  const taskQueue = `bench-${Date.now()}`;
  const workers = await createWorkers({
    connection: nativeConnection,
    namespace: 'default',
    store,
    dataDir,
    taskQueue,
    ...(rateLimit ? { rateLimits: { salesforce: rateLimit } } : {}),
  });

  const connector = await store.connectors.create(
    createConnectorSchema.parse({
      userId: 'bench',
      name: 'bench',
      status: 'active',
      configuration: {
        source: simulatedSalesforceSource(simulator.url, { apiQuotaShare: 1 }),
        destination: { kind: 'duckdb', schema: 'marketing' },
        guardrails: { maxInvalidShare: 0.5 },
        schedule: { every: '1h' },
      },
    }),
  );

  say('running one cycle…');
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const started = performance.now();
  const cycle = client.workflow.execute(ingestionCycle, {
    taskQueue,
    workflowId: `bench/${connector.id}`,
    args: [{ connectorId: connector.id, trigger: 'manual' }],
  });
  await Promise.all(workers.map((worker) => worker.runUntil(cycle)));
  const report = await cycle;
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  const warehouse = await connectWarehouse({ kind: 'duckdb', schema: 'marketing' }, dataDir);
  const [loaded] = await warehouse.query('select count(*) as n from marketing.salesforce_contact');
  await warehouse.close();

  const stream = report?.streams[0];
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  console.log(
    [
      `contacts extracted   ${stream?.extracted}`,
      `rows in warehouse    ${String(loaded?.n)} (quarantined ${stream?.quarantined})`,
      `cycle time           ${seconds.toFixed(1)} s`,
      `throughput           ${Math.round(contacts / seconds)} rows/s`,
      `peak RSS (process)   ${mb(peakRss)} MiB (before the cycle ${mb(rssBefore)} MiB)`,
    ].join('\n'),
  );

  await Promise.all([store.close(), simulator.stop(), nativeConnection.close(), client.connection.close()]);
  await stopTestServer();
  await rm(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
