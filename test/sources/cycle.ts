/**
 * Every polling source through the real cycle: real Temporal, the real worker composition, the
 * plug-in against its simulator, the quality gate and a DuckDB warehouse. Throttling in the middle
 * of an extract costs time, never rows; and the source's task-queue rate holds across two workers.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { parseKeyRing } from '../../activities/secrets';
import { openStore } from '../../activities/store';
import { connectWarehouse } from '../../activities/warehouses';
import { connectorSettingsSchema, type SourceConfig } from '../../domain/connector';
import type { CycleReport } from '../../domain/cycle';
import { connectorStream, type RateLimit } from '../../domain/sources';
import { ingestionCycle } from '../../workflows';
import { createFreshDatabase, startPostgres } from '../store/postgres';
import { useFixture, useTestCleanups } from '../support/fixture';
import { startTestWorkers } from '../support/stack';
import { testStore } from '../support/store';
import { useTempDir } from '../support/temp-dir';
import { testServerAddress, uniqueName, useTemporal } from '../support/temporal';
import type { SimulatedSource, SourceConformanceCase } from './conformance';

/** The most requests that fell in any window of `windowMs` (a sliding window over the log). */
export function peakRequests(timestamps: readonly number[], windowMs: number): number {
  const sorted = [...timestamps].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  sorted.forEach((at, last) => {
    while ((sorted[first] ?? at) <= at - windowMs) first += 1;
    peak = Math.max(peak, last - first + 1);
  });
  return peak;
}

export function describeSourceCycle<C extends SourceConfig>(source: SourceConformanceCase<C>): void {
  const perRecord = source.rowsPerRecord ?? 1;

  // Two worker processes share one control plane: PostgreSQL (the embedded store is per process).
  const postgres = startPostgres();
  const secretKeys = `test:${randomBytes(32).toString('base64')}`;

  describe(`${source.kind} through the real cycle`, () => {
    const temporal = useTemporal();
    const folder = useTempDir(`insight-hub-${source.kind}-cycle-`);
    const controlPlane = useFixture('the control plane', async (defer) => {
      const database = postgres.available ? await createFreshDatabase(postgres.adminUrl) : undefined;
      if (database) defer(() => database.drop());
      const store = await testStore(defer, () =>
        openStore({ ...(database ? { databaseUrl: database.url } : {}), secrets: parseKeyRing(secretKeys, 'the test') }),
      );
      return { database, store };
    });
    /** What a test starts (workers, a second worker process, simulators) stops after it. */
    const defer = useTestCleanups();

    async function startWorkers(taskQueue: string, rateLimit?: RateLimit): Promise<void> {
      const options = {
        connection: temporal.nativeConnection,
        namespace: temporal.namespace,
        store: controlPlane().store,
        dataDir: folder.path,
        taskQueue,
        workflowBundle: temporal.bundle,
      };
      await startTestWorkers({ ...options, ...(rateLimit ? { rateLimits: { [source.kind]: rateLimit } } : {}) }, defer);
    }

    /** A second worker of the source's queue, in a process of its own. */
    async function startSecondSourceWorker(taskQueue: string, rateLimit: RateLimit, databaseUrl: string): Promise<void> {
      const settings = {
        address: testServerAddress(),
        databaseUrl,
        secretKeys,
        dataDir: folder.path,
        taskQueue,
        source: source.kind,
        rateLimit,
      };
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'source-worker-child.ts'), JSON.stringify(settings)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      defer(async () => {
        child.kill('SIGTERM');
        if (child.exitCode === null) await once(child, 'exit');
      });
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      expect(chunk.toString()).toContain('ready');
    }

    async function simulator(records: number, pageSize: number): Promise<SimulatedSource<C>> {
      const sim = await source.start({ records, pageSize });
      defer(() => sim.stop());
      return sim;
    }

    async function runCycle(
      sim: SimulatedSource<C>,
      taskQueue: string,
    ): Promise<{ report: CycleReport; rows: Record<string, unknown>[]; columnTypes: Record<string, unknown> }> {
      const schema = `c_${uniqueName('')
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 12)}`;
      const connector = await controlPlane().store.connectors.create({
        userId: 'marketing-ops',
        name: `${source.kind} cycle test`,
        status: 'active',
        configuration: connectorSettingsSchema.parse({
          source: { ...sim.config, streams: [source.stream] },
          destination: { kind: 'duckdb', schema },
          guardrails: { maxInvalidShare: 1, schemaChangePolicy: 'allow' },
          automationLevel: 'auto',
        }),
      });
      const report = await temporal.client.workflow.execute(ingestionCycle, {
        taskQueue,
        workflowId: uniqueName(`cycle/${connector.id}`),
        args: [{ connectorId: connector.id, trigger: 'manual' }],
      });
      const { table } = connectorStream(sim.config, source.stream);
      const warehouse = await connectWarehouse(connector.configuration.destination, folder.path);
      try {
        const rows = await warehouse.query(`SELECT * FROM ${schema}.${table}`);
        const columns = await warehouse.query(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table}'`,
        );
        return { report, rows, columnTypes: Object.fromEntries(columns.map((column) => [column.column_name, column.data_type])) };
      } finally {
        await warehouse.close();
      }
    }

    it('completes a cycle throttled in the middle of its extract with every row exactly once', async () => {
      const taskQueue = uniqueName(`${source.kind}-cycle`);
      // A test pace, so slow APIs (Brandwatch: a request per 20 s) finish in seconds; the rate test below keeps a real limit.
      await startWorkers(taskQueue, { requests: 50, perSeconds: 1 });
      const records = 30;
      const sim = await simulator(records, 5);
      await sim.throttleNext(2, 1, 2);
      const started = Date.now();
      const { report, rows, columnTypes } = await runCycle(sim, taskQueue);
      const stream = report.streams[0];
      if (source.landedColumnTypes) expect(columnTypes).toMatchObject(source.landedColumnTypes);
      expect(report.status).toBe('completed');
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000); // it waited the two Retry-Afters
      const key = connectorStream(sim.config, source.stream).primaryKey;
      expect(new Set(rows.map((row) => String(row[key]))).size).toBe(rows.length);
      // Each record ends in exactly one place: loaded, quarantined, or kept out for consent.
      expect(rows.length + (stream?.quarantined ?? 0) + (stream?.withoutConsent ?? 0) + (stream?.suppressed ?? 0)).toBe(
        records * perRecord,
      );
      expect(stream?.loaded).toBe(rows.length);
    }, 90_000);

    const twoWorkers = postgres.available ? it : it.skip;
    twoWorkers(
      `never lets two workers together exceed the source's rate limit${postgres.available ? '' : ` (skipped: needs PostgreSQL — ${postgres.reason})`}`,
      async () => {
        const { database } = controlPlane();
        if (!database) throw new Error('PostgreSQL is not available');
        const limit: RateLimit = { requests: 3, perSeconds: 1 };
        const taskQueue = uniqueName(`${source.kind}-rate`);
        await startWorkers(taskQueue, limit);
        await startSecondSourceWorker(taskQueue, limit, database.url);
        const sim = await simulator(40, 4);
        const { report } = await runCycle(sim, taskQueue);
        expect(report.status).toBe('completed');
        const requests = sim.requests();
        expect(requests.length).toBeGreaterThanOrEqual(10);
        // The server's rate limiter lets a burst of one window through at most.
        expect(peakRequests(requests, limit.perSeconds * 1000)).toBeLessThanOrEqual(limit.requests);
      },
      90_000,
    );
  });
}
