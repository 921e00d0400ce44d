/**
 * The cycle workflow on a real Temporal server, with activities mocked: these tests are about the
 * orchestration — order, guardrails, deferral, isolation of failing streams, durable throttling.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ConnectorError } from '../../activities/errors';
import { CYCLE_FAILED, reportOfFailedCycle } from '../../domain/cycle-failure';
import type { BatchRef } from '../../domain/cycle';
import { cycleReportQuery } from '../../domain/messages';
import { eventually } from '../support/eventually';
import { useTemporal } from '../support/temporal';
import { batch, CycleHarness, loadedWhole, type Scenario } from './harness';

const temporal = useTemporal();

const runCycle = async (scenario: Scenario) => {
  const harness = new CycleHarness(temporal, scenario);
  const report = await harness.run();
  return { report, calls: harness.calls, plan: harness.plan };
};

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
  expect(calls.events.filter((e) => e.includes('contact/'))).toEqual([
    'load:contact/1',
    'commit:contact/1',
    'load:contact/2',
    'commit:contact/2',
  ]);
  expect(calls.recorded[0]?.status).toBe('completed');
});

/** A contact read of three pages of 100 rows, each a batch (n = 1, 2, 3). */
const threePages = (stream: string): BatchRef[] => [batch(stream, 1), batch(stream, 2), batch(stream, 3)];
/** Each of the three loaded and committed, in cursor order. */
const eachLoadedThenCommitted = [
  'load:contact/1',
  'commit:contact/1',
  'load:contact/2',
  'commit:contact/2',
  'load:contact/3',
  'commit:contact/3',
];

test('the next page is read while the batch in hand is checked and loaded, and cursors still commit in order', async () => {
  const harness: CycleHarness = new CycleHarness(temporal, {
    plan: { streams: ['contact'] },
    extract: (stream) => ({ batches: threePages(stream), apiCalls: 1, deferred: null }),
    // Batch n loads only once page n + 1 has been asked for: a read that waited for the load would never get there.
    beforeLoad: (stream, n) =>
      eventually(
        `page ${n + 1} read ahead of batch ${n}'s load`,
        async () => n === 3 || harness.calls.pageReads.includes(`${stream}/${n + 1}`) || undefined,
        {
          timeoutMs: 10_000,
        },
      ).then(
        () => undefined,
        (error: Error) => {
          throw ApplicationFailure.create({ message: error.message, nonRetryable: true });
        },
      ),
  });
  const report = await harness.run();
  expect(report.streams[0]).toMatchObject({ outcome: 'loaded', loaded: 300 });
  expect(harness.calls.pageReads).toEqual(['contact/1', 'contact/2', 'contact/3']);
  expect(harness.calls.events).toEqual(eachLoadedThenCommitted);
});

test('the read goes on while batches are checked and loaded, at most two batches ahead, and cursors still commit in order', async () => {
  const pagesRead = (stream: string) => Array.from({ length: 6 }, (_, index) => batch(stream, index + 1));
  let readsAtFirstLoad: string[] = [];
  const harness: CycleHarness = new CycleHarness(temporal, {
    plan: { streams: ['contact'] },
    extract: (stream) => ({ batches: pagesRead(stream), apiCalls: 1, deferred: null }),
    // Batch n loads only once page n + 2 has been asked for: a read that waited for each batch's load would never get there.
    beforeLoad: async (stream, n) => {
      await eventually(
        `page ${n + 2} read ahead of batch ${n}'s load`,
        async () => n >= 5 || harness.calls.pageReads.includes(`${stream}/${n + 2}`) || undefined,
        {
          timeoutMs: 10_000,
        },
      ).catch((error: Error) => {
        throw ApplicationFailure.create({ message: error.message, nonRetryable: true });
      });
      if (n !== 1) return;
      // Held long enough for a read without a bound to run on to the end.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      readsAtFirstLoad = [...harness.calls.pageReads];
    },
  });
  const report = await harness.run();
  expect(report.streams[0]).toMatchObject({ outcome: 'loaded', loaded: 600, batches: 6 });
  // While batch 1 loads, batch 2 waits and batch 3's page is read, with page 4 asked for: no further.
  expect(readsAtFirstLoad).toEqual(['contact/1', 'contact/2', 'contact/3', 'contact/4']);
  expect(harness.calls.events).toEqual([1, 2, 3, 4, 5, 6].flatMap((n) => [`load:contact/${n}`, `commit:contact/${n}`]));
});

test('a read that fails while a batch is in hand lets that batch finish: its load and cursor stand, and the report counts them', async () => {
  let combined = false;
  // A first page that fills a batch alone, then two that must be combined, which fails.
  const { report, calls } = await runCycle({
    plan: { streams: ['contact'], batchSize: 200 },
    extract: (stream) => ({ batches: [batch(stream, 1, 200), batch(stream, 2), batch(stream, 3)], apiCalls: 1, deferred: null }),
    activities: {
      combinePages: async () => {
        combined = true;
        throw ApplicationFailure.create({ message: 'the staging area refused the pages', nonRetryable: true });
      },
    },
    // Batch 1 loads only once the read has failed.
    beforeLoad: (_stream, n) =>
      n === 1
        ? eventually('the pages combined', async () => combined || undefined, { timeoutMs: 10_000 }).then(() => undefined)
        : Promise.resolve(),
  });
  expect(report.streams[0]).toMatchObject({ outcome: 'failed', loaded: 200, batches: 1 });
  expect(report.streams[0]?.detail).toMatch(/refused the pages/);
  expect(calls.events).toEqual(['load:contact/1', 'commit:contact/1']);
  // The report is recorded once the batch is done, not before.
  expect(calls.recorded[0]?.streams[0]).toMatchObject({ loaded: 200 });
});

test('pages held go as a batch of their own when the next would take them past the batch size: no page is rewritten into another', async () => {
  // Pages of 100 rows, batches of at most 150: each page is a batch (the harness refuses to combine pages).
  const { report, calls } = await runCycle({
    plan: { streams: ['contact'], batchSize: 150 },
    extract: (stream) => ({ batches: threePages(stream), apiCalls: 1, deferred: null }),
  });
  expect(report.streams[0]).toMatchObject({ outcome: 'loaded', loaded: 300, batches: 3 });
  expect(calls.events).toEqual(eachLoadedThenCommitted);
});

test("pages held go as a batch while the source prepares the next rows (a bulk job's checks), not after them", async () => {
  // A REST page of 100 rows, two checks of a bulk job (pages without rows), then a chunk of 1,000.
  const harness: CycleHarness = new CycleHarness(temporal, {
    plan: { streams: ['contact'], batchSize: 1_000 },
    extract: (stream) => ({ batches: [batch(stream, 1), null, null, batch(stream, 4, 1_000)], apiCalls: 1, deferred: null }),
    // The chunk comes only once the first page is loaded: a read that held that page for it would never get it.
    beforePage: async (read, n) => {
      if (n !== 4) return;
      await eventually(
        'the first page loaded before the chunk came',
        async () => harness.calls.events.includes(`load:${read}/1`) || undefined,
        {
          timeoutMs: 10_000,
        },
      ).catch((error: Error) => {
        throw ApplicationFailure.create({ message: error.message, nonRetryable: true });
      });
    },
  });
  const report = await harness.run();
  expect(report.streams[0]).toMatchObject({ outcome: 'loaded', batches: 2, loaded: 1_100 });
  expect(harness.calls.events).toEqual(['load:contact/1', 'commit:contact/1', 'load:contact/4', 'commit:contact/4']);
});

test('a loaded batch takes two steps: validateBatch measures it for the gate, its load commits its cursor; a batch of no rows (a position only) is committed alone', async () => {
  const harness = new CycleHarness(temporal, {
    plan: { streams: ['contact'] },
    extract: (stream) => ({ batches: [batch(stream, 1), batch(stream, 2, 0)], apiCalls: 1, deferred: null }),
  });
  const stop = await harness.startWorkers();
  try {
    const handle = await harness.start();
    await handle.result();
    const scheduled = (await handle.fetchHistory()).events?.flatMap((event) => {
      const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
      return name === undefined || name === 'extractPage' ? [] : [name];
    });
    // Batch 2 has no rows (a position only): nothing to check or load, its cursor is committed on its own.
    expect(scheduled).toEqual(['planCycle', 'validateBatch', 'loadBatch', 'commitCursor', 'refreshModels', 'recordCycle']);
    expect(harness.calls.events).toEqual(['load:contact/1', 'commit:contact/1', 'commit:contact/2']);
  } finally {
    await stop();
  }
});

test('a load that finds its cursor moved by another cycle leaves it to commitCursor, which fails the stream saying so; its rows count', async () => {
  const commitsAsked: string[] = [];
  const { report } = await runCycle({
    plan: { streams: ['contact'] },
    extract: (stream) => ({ batches: [batch(stream, 1), batch(stream, 2)], apiCalls: 1, deferred: null }),
    activities: {
      loadBatch: async (req) => loadedWhole(req, false),
      commitCursor: async (_connectorId, key) => {
        commitsAsked.push(key);
        throw ApplicationFailure.create({
          type: 'data-error',
          message: `the cursor of ${key} moved since this cycle read it`,
          nonRetryable: true,
        });
      },
    },
  });
  expect(commitsAsked).toEqual(['contact']);
  expect(report.streams[0]).toMatchObject({ outcome: 'failed', loaded: 100, batches: 1 });
  expect(report.streams[0]?.detail).toMatch(/moved since this cycle read it/);
});

test('a read stopped at a batch does not load the page it read ahead, but counts its requests', async () => {
  const { report, calls } = await runCycle({
    plan: { streams: ['contact'], guardrails: { maxInvalidShare: 0.2, schemaChangePolicy: 'block' } },
    extract: (stream) => ({ batches: threePages(stream), apiCalls: 1, laterPageCalls: 2, deferred: null }),
    figuresOf: (b) => (b.sha256.endsWith('2') ? { schemaChanges: [{ column: 'email', change: 'added', to: 'string' }] } : {}),
  });
  expect(report.streams[0]).toMatchObject({ outcome: 'blocked', loaded: 100, apiCalls: 1 + 2 + 2 });
  expect(calls.pageReads).toEqual(['contact/1', 'contact/2', 'contact/3']);
  expect(calls.loads).toHaveLength(1);
  // The next cycle reads on from batch 1's end: page 3's rows are not lost.
  expect(calls.commits).toEqual(['contact@2026-01-01T00:00:00.000Z']);
});

test('a schema change the policy blocks stops the stream: not loaded, cursor not committed, later batches held back', async () => {
  const { report, calls } = await runCycle({
    plan: { streams: ['contact'], guardrails: { maxInvalidShare: 0.2, schemaChangePolicy: 'block' } },
    extract: (stream) => ({ batches: [batch(stream, 1), batch(stream, 2), batch(stream, 3)], apiCalls: 1, deferred: null }),
    figuresOf: (b) =>
      b.sha256.endsWith('2') ? { schemaChanges: [{ column: 'email', change: 'retyped', from: 'string', to: 'integer' }] } : {},
  });
  expect(report.status).toBe('blocked');
  expect(calls.blocked).toEqual(['contact/2']);
  expect(calls.loads).toHaveLength(1);
  expect(calls.commits).toEqual(['contact@2026-01-01T00:00:00.000Z']);
  expect(report.streams[0]?.detail).toMatch(/schemaChangePolicy: retyped email \(policy block\)/);
  expect(calls.requested).toEqual([]);
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

test('a partition failing fails its stream only once the other partitions have read what they were reading, in the report', async () => {
  const { report, calls } = await runCycle({
    plan: { streams: ['contact'], partitions: { contact: ['a', 'b'] } },
    extract: (stream, _attempt, partition) => {
      if (partition === 'a') throw ApplicationFailure.create({ type: 'auth-error', message: 'INVALID_SESSION_ID', nonRetryable: true });
      return { batches: threePages(stream), apiCalls: 1, deferred: null };
    },
  });
  expect(report.streams).toEqual([expect.objectContaining({ outcome: 'failed', detail: 'INVALID_SESSION_ID', batches: 3, loaded: 300 })]);
  // Partition b's cursor commits under its own key.
  expect(calls.events).toEqual(eachLoadedThenCommitted.map((event) => event.replace('commit:contact/', 'commit:contact#b/')));
  expect(calls.recorded).toEqual([report]);
});

test('a cycle whose streams all fail ends Failed in Temporal, after its report is recorded, and the failure carries the report', async () => {
  const harness = new CycleHarness(temporal, {
    extract: (stream) => {
      throw ApplicationFailure.create({ type: 'auth-error', message: `INVALID_SESSION_ID on ${stream}`, nonRetryable: true });
    },
  });
  const stop = await harness.startWorkers();
  try {
    const handle = await harness.start();
    const failure = await handle.result().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      cause: {
        type: CYCLE_FAILED,
        message: `every stream failed (contact, lead); the run report ${harness.workflowId} is stored`,
      },
    });
    const report = reportOfFailedCycle(failure);
    expect(report).toMatchObject({ workflowId: harness.workflowId, status: 'failed' });
    expect(report?.streams.map((s) => [s.stream, s.outcome, s.detail])).toEqual([
      ['contact', 'failed', 'INVALID_SESSION_ID on contact'],
      ['lead', 'failed', 'INVALID_SESSION_ID on lead'],
    ]);
    expect(harness.calls.recorded).toEqual([report]);
    expect((await handle.describe()).status.name).toBe('FAILED');
  } finally {
    await stop();
  }
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
  const harness = new CycleHarness(temporal, {
    plan: { streams: ['contact'] },
    extract: async () => {
      await gate;
      return { batches: [], apiCalls: 0, deferred: null };
    },
  });
  const stop = await harness.startWorkers();
  try {
    const handle = await harness.start();
    const live = await eventually('the stream appears in the live report', async () => {
      const report = await handle.query(cycleReportQuery);
      return report.streams.length > 0 ? report : undefined;
    });
    expect(live).toMatchObject({
      status: 'running',
      connectorId: harness.plan.connectorId,
      streams: [{ stream: 'contact', extracted: 0 }],
    });
    release();
    expect((await handle.result()).status).toBe('completed');
  } finally {
    release();
    await stop();
  }
});

test('a configuration error is not retried: the cycle fails at once, saying what is wrong', async () => {
  let attempts = 0;
  const harness = new CycleHarness(temporal, {
    extract: () => ({ batches: [], apiCalls: 0, deferred: null }),
    planCycle: async () => {
      attempts += 1;
      throw new ConnectorError('config', 'connector 42 does not exist', 'it was deleted; delete its schedule too');
    },
  });
  await expect(harness.run()).rejects.toMatchObject({
    cause: { cause: { type: 'config-error', message: expect.stringContaining('connector 42 does not exist') } },
  });
  expect(attempts).toBe(1);
});
