/**
 * One fault campaign on one warehouse: its own Temporal dev server (state in a file), the Salesforce
 * simulator, a PostgreSQL control plane, and the worker in a process of its own; cycles run while
 * the worker is SIGKILLed in chosen phases and the server restarted; then the invariants are judged
 * against the simulator's ground truth.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parseKeyRing } from '../../activities/secrets';
import { payloadDataConverter } from '../../activities/secrets/payload-codec';
import { openStore, type Store } from '../../activities/store';
import { createConnectorSchema, type DestinationConfig } from '../../domain/connector';
import { startSalesforceSimulator, type SalesforceSimulator } from '../../simulators/salesforce/server';
import { simulatedSalesforceSource } from '../../simulators/salesforce/source';
import { createFreshDatabase, startPostgres, type FreshDatabase } from '../../test/store/postgres';
import { ActivityFeed, type Phase } from './activity-feed';
import { driveCycles, StuckCycle, type CycleRun } from './cycles';
import { injectFaults, type KillRecord, type RestartRecord } from './faults';
import { judge, type Invariant } from './invariants';
import { observe } from './observe';
import { DevServer } from './temporal-server';
import { WorkerProcess } from './worker-process';

export const WAREHOUSES = ['duckdb', 'postgres'] as const;
export type WarehouseKind = (typeof WAREHOUSES)[number];

export interface CampaignOptions {
  rows: number;
  kills: number;
  serverRestarts: number;
  phases: readonly Phase[];
  seed: number;
  batchSize: number;
  /** Contacts changed at the source before each later cycle, as a share of `rows`. */
  churn: number;
  /** INSIGHT_HUB_SOURCE_RATES for the worker. */
  sourceRates: string;
  stallLimitSeconds: number;
  /** Keep the data folder (logs, warehouse file, server state) and databases for a look afterwards. */
  keep: boolean;
  say: (line: string) => void;
}

export interface CampaignResult {
  warehouse: WarehouseKind;
  rows: number;
  seconds: number;
  cycles: CycleRun[];
  rowsExtracted: number;
  kills: KillRecord[];
  restarts: RestartRecord[];
  workerStarts: number;
  unplannedExits: string[];
  maxEventLoopStallMs: number;
  invariants: Invariant[];
  passed: boolean;
  dataDir: string;
}

/** A seeded generator (mulberry32): the same seed picks the same phases, modes and moments. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function adminDatabaseUrl(): string {
  const given = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (given) return given;
  const server = startPostgres();
  if (!server.available) throw new Error(`the fault runner needs PostgreSQL for the worker's control plane: ${server.reason}`);
  return server.adminUrl;
}

const newKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

export async function runCampaign(warehouse: WarehouseKind, options: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const say = (line: string) => options.say(`[${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s] ${warehouse}: ${line}`);
  const random = seededRandom(options.seed);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `insight-hub-faults-${warehouse}-`));
  const adminUrl = adminDatabaseUrl();
  const databases: FreshDatabase[] = [];
  const fresh = async () => {
    const database = await createFreshDatabase(adminUrl);
    databases.push(database);
    return database;
  };
  const secretKeys = newKey('k1');
  const payloadKeys = newKey('p1');
  const server = await DevServer.create(dataDir);
  let worker: WorkerProcess | null = null;
  let simulator: SalesforceSimulator | null = null;
  let store: Store | null = null;
  let connection: Connection | null = null;
  const killChildren = () => {
    worker?.killNow();
    server.killNow();
  };
  process.once('exit', killChildren);
  try {
    say(`data in ${dataDir}; generating ${options.rows} contacts`);
    await server.start();
    simulator = await startSalesforceSimulator({
      contacts: options.rows,
      counts: { Lead: 0, Opportunity: 0, CampaignMember: 0 },
      deletedRate: 0,
      seed: options.seed,
      quota: { max: 100_000_000 },
    });
    const controlPlane = await fresh();
    store = await openStore({ databaseUrl: controlPlane.url, secrets: parseKeyRing(secretKeys, 'the fault runner') });
    const destination: DestinationConfig =
      warehouse === 'duckdb'
        ? { kind: 'duckdb', schema: 'marketing' }
        : { kind: 'postgres', url: (await fresh()).url, schema: 'marketing' };
    const connector = await store.connectors.create(
      createConnectorSchema.parse({
        userId: 'fault-runner',
        name: `Salesforce to ${warehouse} under faults`,
        status: 'active',
        configuration: {
          source: simulatedSalesforceSource(simulator.url, { apiQuotaShare: 1, batchSize: options.batchSize }),
          destination,
          guardrails: { maxInvalidShare: 0.5, schemaChangePolicy: 'allow' },
          // No limit is crossed, and one that were would not wait for a manager.
          automationLevel: 'auto',
          schedule: { every: '24h' },
        },
      }),
    );
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, dataConverter: payloadDataConverter(parseKeyRing(payloadKeys, 'the fault runner')) });

    worker = new WorkerProcess(
      {
        ...process.env,
        DATA_DIR: dataDir,
        DATABASE_URL: controlPlane.url,
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: 'default',
        INSIGHT_HUB_SECRET_KEYS: secretKeys,
        INSIGHT_HUB_PAYLOAD_KEYS: payloadKeys,
        INSIGHT_HUB_SOURCE_RATES: options.sourceRates,
        // Its own free port for /metrics: a running demo (or another campaign) holds the default 9464.
        WORKER_HTTP_PORT: '0',
      },
      path.join(dataDir, 'worker.log'),
    );
    const feed = new ActivityFeed(worker);
    await worker.start();
    say(
      `worker ${worker.life} polling; ${options.kills} kills in ${options.phases.join(', ')} and ${options.serverRestarts} server restarts to come`,
    );

    let faultsDone = false;
    let stuck: string | null = null;
    let cycle = 0;
    const faults = injectFaults(
      { kills: options.kills, serverRestarts: options.serverRestarts, phases: options.phases },
      { worker, server, feed, random, say, stopped: () => stuck !== null, cycle: () => cycle },
    ).finally(() => (faultsDone = true));
    const deps = {
      client,
      store,
      connector,
      simulator,
      feed,
      random,
      say,
      churnRows: Math.max(1, Math.round(options.rows * options.churn)),
      stallLimitMs: options.stallLimitSeconds * 1000,
    };
    const cycles = await driveCycles(
      deps,
      () => faultsDone,
      (n) => (cycle = n),
    ).catch((error: unknown) => {
      if (!(error instanceof StuckCycle)) throw error;
      stuck = error.message;
      say(`STUCK: ${stuck}`);
      return [];
    });
    const { kills, restarts } = await faults;
    const seconds = (Date.now() - started) / 1000;
    await worker.stop();

    const observed = await observe({ client, store, simulator, destination, dataDir, connectorId: connector.id, cycles });
    const invariants = judge(observed);
    if (stuck) invariants.push({ name: 'no cycle stuck', pass: false, detail: stuck });
    const rowsExtracted = cycles.reduce((n, run) => n + (run.report?.streams.reduce((m, s) => m + s.extracted, 0) ?? 0), 0);
    return {
      warehouse,
      rows: options.rows,
      seconds,
      cycles,
      rowsExtracted,
      kills,
      restarts,
      workerStarts: worker.starts,
      unplannedExits: worker.unplannedExits,
      maxEventLoopStallMs: worker.maxLagMs,
      invariants,
      passed: invariants.every((invariant) => invariant.pass),
      dataDir,
    };
  } finally {
    await worker?.stop();
    await connection?.close();
    await server.stop();
    await Promise.all([store?.close(), simulator?.stop()]);
    process.off('exit', killChildren);
    if (!options.keep) {
      await Promise.all(databases.map((database) => database.drop()));
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}
