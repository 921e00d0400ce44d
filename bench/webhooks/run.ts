/**
 * The webhook path beside a bare Express endpoint, in one run (issue 13). A sender in a process of
 * its own (sender.ts) posts signed SendGrid batches of `--size` (100) events from `--concurrency`
 * (10) connections, `--batches` (200) a run, alternately to the product's
 * POST /webhooks/sendgrid/:connectorId (the real API: signature, judging, suppression screen, inbox,
 * drain wake-up) and to an Express endpoint that only parses the same body, `--rounds` (3) times
 * each. No worker runs meanwhile: the drains the deliveries wake wait. Then the workers start and the
 * drain loads the backlog the rounds left: its rate is timed from its first committed load to its
 * last. With `--steady N` (events/s), batches then arrive at that rate for `--steady-seconds` (60)
 * while the drain runs, and each batch's last event is timed from its 2xx until the drain committed
 * past it (event to queryable). `--crm-contacts N` puts N Salesforce contacts and N/2 leads in the
 * warehouse first, so the customer models the drain refreshes are of a CRM's size, not empty.
 *
 *   npx tsx bench/webhooks/run.ts [--store pglite|postgres] [--steady 1000] [--json out.json]
 *
 * `--store postgres` makes a fresh database beside TEST_DATABASE_URL (or DATABASE_URL) and drops it after.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import express from 'express';
import { ephemeralKeyRing } from '../../activities/secrets';
import type { Row } from '../../activities/sources/types';
import { connectWarehouse } from '../../activities/warehouses';
import { openStore } from '../../activities/store';
import type { Store } from '../../activities/store/store';
import { createApp } from '../../api/app';
import { startApiServer, type RunningServer } from '../../api/server';
import { createConnectorSchema } from '../../domain/connector';
import { webhookDrainWorkflowId } from '../../domain/webhook-drain';
import { landRows } from '../../test/models/fixtures';
import { createFreshDatabase, type FreshDatabase } from '../../test/store/postgres';
import { startTestServer, stopTestServer, TEST_ADDRESS_VARIABLE } from '../../test/support/test-server';
import { createWorkers, runWorkers } from '../../worker/workers';
import type { LoadResult, LoadRun } from './sender';

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'pglite' },
    batches: { type: 'string', default: '200' },
    size: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    steady: { type: 'string' },
    'steady-seconds': { type: 'string', default: '60' },
    'crm-contacts': { type: 'string', default: '0' },
    json: { type: 'string' },
  },
});
const batches = Number(args.batches);
const size = Number(args.size);
const concurrency = Number(args.concurrency);
const say = (line: string) => process.stderr.write(`${line}\n`);

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** The sender process: its public key once started, then one result per run. */
class Sender {
  private constructor(
    private readonly child: ChildProcess,
    readonly publicKey: string,
  ) {}

  static start(): Promise<Sender> {
    const child = fork(path.join(__dirname, 'sender.ts'), {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('message', (message: { publicKey: string }) => resolve(new Sender(child, message.publicKey)));
      child.once('error', reject);
    });
  }

  run(run: LoadRun): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      this.child.once('message', (message: { result?: LoadResult; error?: string }) =>
        message.result ? resolve(message.result) : reject(new Error(message.error)),
      );
      this.child.send(run);
    });
  }

  stop(): void {
    this.child.kill();
  }
}

/** Express parsing the body as JSON and answering how many events it held: the least a receiver does. */
function startBareExpress(): Promise<RunningServer> {
  const app = express();
  app.post('/bare', express.json({ limit: '5mb' }), (req, res) => {
    res.json({ received: Array.isArray(req.body) ? req.body.length : 0 });
  });
  return startApiServer({ app, port: 0 });
}

interface Figures {
  endpoint: 'product' | 'bare-express';
  round: number;
  eventsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  /**
   * CPU time (user + system) of this process — the API, or the bare endpoint — per 1,000 events over
   * the run: what a delivery costs, less swayed than events/s by what else runs on the machine.
   * PostgreSQL's, the Temporal server's and the sender's CPU are not in it.
   */
  cpuMsPer1000Events: number;
  statuses: Record<string, number>;
}

const figuresOf = (endpoint: Figures['endpoint'], round: number, result: LoadResult, cpu: NodeJS.CpuUsage): Figures => ({
  endpoint,
  round,
  eventsPerSecond: Math.round((batches * size) / result.seconds),
  p50Ms: Math.round(percentile(result.latenciesMs, 50)),
  p95Ms: Math.round(percentile(result.latenciesMs, 95)),
  cpuMsPer1000Events: Math.round(((cpu.user + cpu.system) / 1000 / (batches * size)) * 1000 * 10) / 10,
  statuses: result.statuses,
});

/** The position the drain committed in the connector's inbox (0 before its first load). */
async function drainedTo(store: Store, connectorId: string): Promise<bigint> {
  const cursors = await store.cursors.get(connectorId);
  const positions = Object.values(cursors).map((cursor) => (/^\d+$/.test(String(cursor.value)) ? BigInt(String(cursor.value)) : 0n));
  return positions.reduce((a, b) => (a > b ? a : b), 0n);
}

/** The first and last positions of the connector's inbox. */
async function inboxSpan(store: Store, connectorId: string): Promise<{ first: bigint; last: bigint }> {
  let first: bigint | undefined;
  let last = 0n;
  for (let after = '0'; ;) {
    const page = await store.inbox.read(connectorId, after, 10_000);
    if (page.length === 0) return { first: first ?? 0n, last };
    first ??= BigInt(page[0]?.seq ?? '0');
    after = page.at(-1)?.seq ?? after;
    last = BigInt(after);
  }
}

/** The inbox position of each event id, for the events the steady phase times. */
async function positionsOf(store: Store, connectorId: string, eventIds: Set<string>): Promise<Map<string, bigint>> {
  const positions = new Map<string, bigint>();
  for (let after = '0'; ;) {
    const page = await store.inbox.read(connectorId, after, 10_000);
    if (page.length === 0) return positions;
    for (const event of page) if (eventIds.has(event.eventId)) positions.set(event.eventId, BigInt(event.seq));
    after = page.at(-1)?.seq ?? after;
  }
}

/** Made-up contacts and leads in the DuckDB warehouse the workers will open, landed as a load lands them. */
async function landCrm(dataDir: string, contacts: number): Promise<void> {
  if (contacts <= 0) return;
  say(`landing ${contacts} contacts and ${contacts / 2} leads in the warehouse…`);
  const warehouse = await connectWarehouse({ kind: 'duckdb', schema: 'marketing' }, dataDir);
  const at = new Date(Date.UTC(2026, 2, 1)).toISOString();
  const record = {
    created_at: at,
    system_modstamp: at,
    is_deleted: false,
    is_active: true,
    last_modified_at: at,
    first_name: 'F',
    last_name: 'L',
  };
  const rows = (count: number, make: (i: number) => Row): Row[] => Array.from({ length: count }, (_, i) => make(i));
  try {
    await landRows(
      warehouse,
      dataDir,
      'salesforce',
      'contact',
      rows(contacts, (i) => ({
        ...record,
        id: `003${i}`,
        customer_id: `CUST-${i}`,
        email: `person${i}@example.com`,
        has_opted_out_of_email: false,
      })),
    );
    await landRows(
      warehouse,
      dataDir,
      'salesforce',
      'lead',
      rows(contacts / 2, (i) => ({ ...record, id: `00Q${i}`, email: `lead${i}@example.com` })),
    );
  } finally {
    await warehouse.close();
  }
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const load = os.loadavg().map((n) => n.toFixed(2));
  say(`load average before: ${load.join(' ')}`);
  let database: FreshDatabase | undefined;
  if (args.store === 'postgres') {
    const admin = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
    if (!admin) throw new Error('--store postgres needs TEST_DATABASE_URL or DATABASE_URL');
    database = await createFreshDatabase(admin);
  }
  const store = await openStore(database ? { databaseUrl: database.url, secrets: ephemeralKeyRing() } : {});
  await startTestServer();
  const address = process.env[TEST_ADDRESS_VARIABLE] ?? '';
  const client = new Client({ connection: await Connection.connect({ address }) });
  const taskQueue = `bench-webhooks-${Date.now()}`;
  const sender = await Sender.start();
  const connector = await store.connectors.create(
    createConnectorSchema.parse({
      userId: 'bench',
      name: 'bench webhooks',
      configuration: { source: { kind: 'sendgrid', publicKey: sender.publicKey }, destination: { kind: 'duckdb', schema: 'marketing' } },
    }),
  );
  const api = await startApiServer({ app: createApp({ store, temporal: client, workflowTaskQueue: taskQueue }), port: 0 });
  const bare = await startBareExpress();
  const productUrl = `${api.url}/webhooks/sendgrid/${connector.id}`;

  // One short run each first: connections, JIT and the drain's first start are not timed.
  await sender.run({ url: productUrl, seed: 9_999, batches: 20, size, concurrency });
  await sender.run({ url: `${bare.url}/bare`, seed: 9_999, batches: 20, size, concurrency });
  const figures: Figures[] = [];
  for (let round = 1; round <= Number(args.rounds); round += 1) {
    // Alternating which goes first, so neither always meets the machine warmer.
    const order = round % 2 === 1 ? (['product', 'bare-express'] as const) : (['bare-express', 'product'] as const);
    for (const endpoint of order) {
      const url = endpoint === 'product' ? productUrl : `${bare.url}/bare`;
      const cpuBefore = process.cpuUsage();
      const result = await sender.run({ url, seed: round, batches, size, concurrency });
      figures.push(figuresOf(endpoint, round, result, process.cpuUsage(cpuBefore)));
      say(JSON.stringify(figures.at(-1)));
    }
  }

  // The drain: the backlog of every round, loaded once the workers start.
  const { first: firstSeq, last: lastSeq } = await inboxSpan(store, connector.id);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-webhook-bench-'));
  await landCrm(dataDir, Number(args['crm-contacts']));
  const nativeConnection = await NativeConnection.connect({ address });
  const workers = await createWorkers({ connection: nativeConnection, namespace: 'default', store, dataDir, taskQueue });
  const running = runWorkers(workers);
  const startedAt = performance.now();
  let firstLoad: { at: number; position: bigint } | undefined;
  for (;;) {
    const position = await drainedTo(store, connector.id);
    if (!firstLoad && position > 0n) firstLoad = { at: performance.now(), position };
    if (position >= lastSeq) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const doneAt = performance.now();
  const backlogEvents = Number(lastSeq - firstSeq + 1n);
  const drain = {
    backlogEvents,
    secondsFromWorkerStart: (doneAt - startedAt) / 1000,
    eventsPerSecondAfterFirstLoad: firstLoad ? Math.round(Number(lastSeq - firstLoad.position) / ((doneAt - firstLoad.at) / 1000)) : null,
  };
  say(`drain: ${JSON.stringify(drain)}`);

  let steady: Record<string, number> | undefined;
  if (args.steady) {
    const ratePerSecond = Number(args.steady) / size;
    const steadyBatches = Math.round(ratePerSecond * Number(args['steady-seconds']));
    // The drain's committed position is watched while the batches arrive, not after: an event is
    // queryable at the first look that finds the position past it.
    const commits: { at: number; position: bigint }[] = [];
    let until: bigint | null = null;
    const watching = (async () => {
      for (;;) {
        const position = await drainedTo(store, connector.id);
        commits.push({ at: Date.now(), position });
        if (until !== null && position >= until) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const result = await sender.run({ url: productUrl, seed: 777, batches: steadyBatches, size, concurrency, ratePerSecond });
    const timed = new Map(result.answered.map((a) => [a.lastEventId, a.at]));
    const positions = await positionsOf(store, connector.id, new Set(timed.keys()));
    until = [...positions.values()].reduce((a, b) => (a > b ? a : b), 0n);
    await watching;
    const latencies = [...positions].map(([eventId, seq]) => {
      const queryable = commits.find((commit) => commit.position >= seq)?.at ?? Date.now();
      return queryable - (timed.get(eventId) ?? queryable);
    });
    steady = {
      eventsPerSecondOffered: Number(args.steady),
      eventsPerSecondAnswered: Math.round((steadyBatches * size) / result.seconds),
      requestP95Ms: Math.round(percentile(result.latenciesMs, 95)),
      eventToQueryableP50Ms: Math.round(percentile(latencies, 50)),
      eventToQueryableP95Ms: Math.round(percentile(latencies, 95)),
      non2xx: Object.entries(result.statuses)
        .filter(([status]) => status !== '200')
        .reduce((n, [, count]) => n + count, 0),
    };
    say(`steady: ${JSON.stringify(steady)}`);
  }

  const loadAfter = os.loadavg().map((n) => n.toFixed(2));
  const summary = {
    store: args.store,
    batchSize: size,
    concurrency,
    batchesPerRun: batches,
    loadAverageBefore: load,
    loadAverageAfter: loadAfter,
    accept: figures,
    medianEventsPerSecond: {
      product: percentile(
        figures.filter((f) => f.endpoint === 'product').map((f) => f.eventsPerSecond),
        50,
      ),
      bareExpress: percentile(
        figures.filter((f) => f.endpoint === 'bare-express').map((f) => f.eventsPerSecond),
        50,
      ),
    },
    drain,
    steady,
  };
  console.log(JSON.stringify(summary, null, 2));
  if (args.json) await writeFile(args.json, JSON.stringify(summary, null, 2));

  await client.workflow
    .getHandle(webhookDrainWorkflowId(connector.id))
    .terminate('bench over')
    .catch(() => undefined);
  for (const worker of workers) worker.shutdown();
  await running;
  sender.stop();
  await Promise.all([api.close(), bare.close(), nativeConnection.close(), client.connection.close()]);
  await store.close();
  await database?.drop();
  await stopTestServer();
  await rm(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
