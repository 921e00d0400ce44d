/**
 * The cycle workflow on a real Temporal server, with activities mocked: these tests are about the
 * orchestration — order, guardrails, deferral, isolation of failing streams, durable throttling.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { createCycleActivities } from '../../activities/cycle-activities';
import type { createExtractActivities } from '../../activities/extract-activities';
import { WORKFLOW_TASK_QUEUE, sourceTaskQueue } from '../../domain/constants';
import type { BatchRef, CyclePlan, CycleReport, ExtractResult, QualitySummary } from '../../domain/cycle';
import { cycleReportQuery } from '../../domain/messages';
import { ingestionCycle } from '../../workflows';
import { testEnv, workflowBundle } from '../support/temporal';

type CycleActivities = ReturnType<typeof createCycleActivities>;
type ExtractActivities = ReturnType<typeof createExtractActivities>;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await testEnv();
  bundle = await workflowBundle();
});
afterAll(() => env?.teardown());

const batch = (stream: string, n: number, rows = 100): BatchRef => ({
  uri: `file:///staging/${stream}/${n}.ndjson`,
  stream,
  rows,
  bytes: rows * 100,
  sha256: n.toString(16).padStart(64, '0'),
  schema: 'abc',
  cursorAfter: { value: `2026-01-0${n}T00:00:00.000Z`, lastKey: `id-${n}` },
});

const quality = (b: BatchRef, invalid: number): QualitySummary => ({
  reportId: `report-${b.sha256.slice(-4)}`,
  evaluated: b.rows,
  valid: b.rows - invalid,
  invalid,
  deletes: 0,
  invalidShare: invalid / b.rows,
  failuresByRule: invalid ? { 'not_null(email)': invalid } : {},
  success: invalid === 0,
  clean: { ...b, uri: `${b.uri}.clean` },
  quarantine: invalid ? { ...b, uri: `${b.uri}.quarantine` } : null,
});

interface Scenario {
  plan?: Partial<CyclePlan>;
  extract: (stream: string, attempt: number) => ExtractResult;
  invalidRowsOf?: (b: BatchRef) => number;
}

/** Runs one cycle with recording mocks; returns the report and what each mock was called with. */
async function runCycle(scenario: Scenario) {
  const calls = { loads: [] as string[], commits: [] as string[], blocked: [] as string[], extractAttempts: [] as number[], recorded: [] as CycleReport[] };
  const plan: CyclePlan = {
    connectorId: randomUUID(),
    userId: 'manager-1',
    source: 'salesforce',
    destination: 'duckdb',
    streams: ['contact', 'lead'],
    guardrails: { maxInvalidShare: 0.2 },
    cursors: {},
    paused: false,
    ...scenario.plan,
  };
  const attempts = new Map<string, number>();
  const control: CycleActivities = {
    planCycle: async () => plan,
    validateBatch: async ({ batch: b }) => quality(b, scenario.invalidRowsOf?.(b) ?? 0),
    loadBatch: async (req) => {
      calls.loads.push(req.loadId);
      return { loadId: req.loadId, alreadyLoaded: false, merged: req.clean?.rows ?? 0, deleted: 0, quarantined: 0 };
    },
    commitCursor: async (_id, stream, cursor) => void calls.commits.push(`${stream}@${cursor.value}`),
    recordBlockedBatch: async ({ stream, batch: b }) => void calls.blocked.push(`${stream}/${b.sha256.slice(-1)}`),
    recordCycle: async ({ report }) => void calls.recorded.push(report),
  };
  const extractor: ExtractActivities = {
    extractStream: async ({ stream }) => {
      const attempt = (attempts.get(stream) ?? 0) + 1;
      attempts.set(stream, attempt);
      calls.extractAttempts.push(Date.now());
      return scenario.extract(stream, attempt);
    },
  };

  const taskQueue = `${WORKFLOW_TASK_QUEUE}-${randomUUID()}`;
  const workers = await Promise.all([
    Worker.create({ connection: env.nativeConnection, namespace: env.namespace, taskQueue, workflowBundle: bundle, activities: control }),
    Worker.create({ connection: env.nativeConnection, namespace: env.namespace, taskQueue: sourceTaskQueue('salesforce', taskQueue), activities: extractor }),
  ]);
  const report = await runUntil(workers, () =>
    env.client.workflow.execute(ingestionCycle, { taskQueue, workflowId: `cycle/${plan.connectorId}/test`, args: [{ connectorId: plan.connectorId, trigger: 'manual' }] }),
  );
  return { report, calls, plan };
}

/** Runs the workers until `fn` settles, then shuts them all down. */
async function runUntil<T>(workers: Worker[], fn: () => Promise<T>): Promise<T> {
  const outcome = fn();
  const settled = outcome.then(
    () => undefined,
    () => undefined,
  );
  await Promise.all(workers.map((w) => w.runUntil(settled)));
  return outcome;
}

test('loads every batch of every stream in cursor order and commits each cursor after its load', async () => {
  const { report, calls, plan } = await runCycle({
    extract: (stream) => ({ batches: [batch(stream, 1), batch(stream, 2)], apiCalls: 3, deferred: null }),
  });
  expect(report.status).toBe('completed');
  expect(report.streams.map((s) => [s.stream, s.outcome, s.loaded, s.apiCalls])).toEqual([
    ['contact', 'loaded', 200, 3],
    ['lead', 'loaded', 200, 3],
  ]);
  expect(calls.loads).toHaveLength(4);
  expect(calls.loads).toContain(`${plan.connectorId}/contact/${batch('contact', 1).sha256}`);
  const contactCommits = calls.commits.filter((c) => c.startsWith('contact@'));
  expect(contactCommits).toEqual(['contact@2026-01-01T00:00:00.000Z', 'contact@2026-01-02T00:00:00.000Z']);
  expect(calls.recorded[0]?.status).toBe('completed');
});

test('a batch over the invalid-share guardrail is blocked: not loaded, its cursor not committed, later batches held back', async () => {
  const { report, calls } = await runCycle({
    plan: { streams: ['contact'] },
    extract: (stream) => ({ batches: [batch(stream, 1), batch(stream, 2), batch(stream, 3)], apiCalls: 1, deferred: null }),
    invalidRowsOf: (b) => (b.sha256.endsWith('2') ? 30 : 5),
  });
  expect(report.status).toBe('blocked');
  expect(calls.blocked).toEqual(['contact/2']);
  expect(calls.loads).toHaveLength(1);
  expect(calls.commits).toEqual(['contact@2026-01-01T00:00:00.000Z']);
  expect(report.streams[0]?.detail).toMatch(/maxInvalidShare 0\.300 > 0\.2/);
  expect(report.streams[0]?.quarantined).toBe(35);
});

test('a deferred extraction loads what it read, checkpoints, and ends the cycle successfully as deferred', async () => {
  const { report, calls } = await runCycle({
    extract: (stream) => ({
      batches: [batch(stream, 1)],
      apiCalls: 2,
      deferred: stream === 'contact' ? { reason: 'daily-api-quota', detail: 'api-usage 13500/15000 reached the 90% share' } : null,
    }),
  });
  expect(report.status).toBe('deferred');
  expect(report.streams.find((s) => s.stream === 'contact')?.outcome).toBe('deferred');
  expect(calls.commits).toEqual(expect.arrayContaining(['contact@2026-01-01T00:00:00.000Z', 'lead@2026-01-01T00:00:00.000Z']));
});

test('one stream failing leaves the others loaded and committed', async () => {
  const { report, calls } = await runCycle({
    extract: (stream) => {
      if (stream === 'lead') throw ApplicationFailure.create({ type: 'auth-error', message: 'INVALID_SESSION_ID', nonRetryable: true });
      return { batches: [batch(stream, 1)], apiCalls: 1, deferred: null };
    },
  });
  expect(report.status).toBe('failed');
  expect(report.streams.find((s) => s.stream === 'lead')).toMatchObject({ outcome: 'failed', detail: 'INVALID_SESSION_ID' });
  expect(report.streams.find((s) => s.stream === 'contact')).toMatchObject({ outcome: 'loaded', loaded: 100 });
  expect(calls.commits).toEqual(['contact@2026-01-01T00:00:00.000Z']);
});

test('a throttled extract waits exactly the server-given delay durably, then completes', async () => {
  const retryAfterMs = 1500;
  const { report, calls } = await runCycle({
    plan: { streams: ['contact'] },
    extract: (stream, attempt) => {
      if (attempt === 1) throw ApplicationFailure.create({ type: 'rate-limited-error', message: '429', nextRetryDelay: retryAfterMs });
      return { batches: [batch(stream, 1)], apiCalls: 1, deferred: null };
    },
  });
  expect(report.status).toBe('completed');
  expect(calls.extractAttempts).toHaveLength(2);
  const [first, second] = calls.extractAttempts as [number, number];
  expect(second - first).toBeGreaterThanOrEqual(retryAfterMs);
});

test('a paused connector runs nothing and says so', async () => {
  const { report, calls } = await runCycle({
    plan: { paused: true },
    extract: () => {
      throw new Error('a paused connector must not extract');
    },
  });
  expect(report.status).toBe('skipped');
  expect(calls.extractAttempts).toHaveLength(0);
  expect(calls.recorded[0]?.status).toBe('skipped');
});

test('the live report is queryable while a cycle runs', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const connectorId = randomUUID();
  const taskQueue = `${WORKFLOW_TASK_QUEUE}-${randomUUID()}`;
  const control: Partial<CycleActivities> = {
    planCycle: async () => ({ connectorId, userId: 'u', source: 'salesforce', destination: 'duckdb', streams: ['contact'], guardrails: { maxInvalidShare: 0.2 }, cursors: {}, paused: false }),
    recordCycle: async () => undefined,
  };
  const extractor: ExtractActivities = {
    extractStream: async () => {
      await gate;
      return { batches: [], apiCalls: 0, deferred: null };
    },
  };
  const workers = await Promise.all([
    Worker.create({ connection: env.nativeConnection, namespace: env.namespace, taskQueue, workflowBundle: bundle, activities: control }),
    Worker.create({ connection: env.nativeConnection, namespace: env.namespace, taskQueue: sourceTaskQueue('salesforce', taskQueue), activities: extractor }),
  ]);
  await runUntil(workers, async () => {
    const handle = await env.client.workflow.start(ingestionCycle, { taskQueue, workflowId: `cycle/${connectorId}/query`, args: [{ connectorId, trigger: 'manual' }] });
    let live: CycleReport | undefined;
    for (let i = 0; i < 50 && !live?.streams.length; i++) {
      live = await handle.query(cycleReportQuery);
      if (!live.streams.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(live).toMatchObject({ status: 'running', connectorId, streams: [{ stream: 'contact', extracted: 0 }] });
    release();
    return handle.result();
  });
});
