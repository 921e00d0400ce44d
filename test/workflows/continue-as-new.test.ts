/**
 * A cycle whose history grows long continues as new between batches, so a read of millions of rows
 * never reaches Temporal's history limits. On a dev server of its own that suggests continuing after
 * SUGGEST_AFTER_EVENTS events (Temporal's default is 4,096, about 160 batches of a stream), so that a
 * few batches cross runs.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { CycleReport } from '../../domain/cycle';
import type { GateFigures } from '../../domain/guardrails';
import { decisionUpdateId } from '../../api/approvals';
import type { ApprovalDecision } from '../../domain/approvals';
import { decideApprovalUpdate, pendingApprovalsQuery } from '../../domain/messages';
import { eventually } from '../support/eventually';
import { runsOf, useOwnTemporalServer } from '../support/temporal';
import { batch, CycleHarness } from './harness';
import { gateOpened, manager } from './gate';

const SUGGEST_AFTER_EVENTS = 60;
const temporal = useOwnTemporalServer([`limit.historyCount.suggestContinueAsNew=${SUGGEST_AFTER_EVENTS}`]);

/** What a batch that adds a column shows the gate: the harness's policy asks a manager. */
const aColumnAdded: Partial<GateFigures> = { schemaChanges: [{ column: 'nickname', change: 'added', to: 'string' }] };

/** Pages 1..n of a stream, 100 rows each, a batch each (the harness's batch size is one page). */
const pages = (stream: string, n: number) => Array.from({ length: n }, (_, i) => batch(stream, i + 1));

/** Each page of `stream` loaded, then its cursor committed, in cursor order. */
const loadedThenCommitted = (stream: string, n: number) =>
  pages(stream, n).flatMap((_, i) => [`load:${stream}/${i + 1}`, `commit:${stream}/${i + 1}`]);

const figuresOf = (report: CycleReport) =>
  report.streams.map((s) => ({
    stream: s.stream,
    outcome: s.outcome,
    batches: s.batches,
    extracted: s.extracted,
    loaded: s.loaded,
    apiCalls: s.apiCalls,
  }));

test('long reads continue as new between batches: every page read and loaded once, in order, and the cycle reported once, whole', async () => {
  let refreshes = 0;
  const harness = new CycleHarness(temporal, {
    extract: (stream) => ({ batches: pages(stream, stream === 'contact' ? 9 : 4), apiCalls: 2, laterPageCalls: 1, deferred: null }),
    activities: {
      refreshModels: async () => {
        refreshes += 1;
        return { rebuilt: [], unchanged: [] };
      },
    },
  });
  const stop = await harness.startWorkers();
  try {
    const handle = await harness.start();
    const report = await handle.result();

    const runs = await runsOf(temporal.client, harness.workflowId);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs[0]?.runId).toBe(handle.firstExecutionRunId);
    const ends = runs.map(({ events }) => (events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes ? 'continued' : 'ended'));
    expect(ends).toEqual([...runs.slice(1).map(() => 'continued'), 'ended']);
    // Once Temporal suggests continuing, a run's reads finish the batches they have in hand and stop
    // at the next batch boundary, not further: each read at most two batches and a page read ahead,
    // about 45 events with their workflow tasks.
    for (const run of runs) expect(run.events.length).toBeLessThan(2 * SUGGEST_AFTER_EVENTS + 2 * 45);

    const { calls } = harness;
    expect(calls.pageReads.filter((read) => read.startsWith('contact/'))).toEqual(pages('contact', 9).map((_, i) => `contact/${i + 1}`));
    expect(calls.pageReads.filter((read) => read.startsWith('lead/'))).toEqual(pages('lead', 4).map((_, i) => `lead/${i + 1}`));
    expect(calls.events.filter((event) => event.includes('contact/'))).toEqual(loadedThenCommitted('contact', 9));
    expect(calls.events.filter((event) => event.includes('lead/'))).toEqual(loadedThenCommitted('lead', 4));

    expect(report.status).toBe('completed');
    expect(report.workflowId).toBe(harness.workflowId);
    expect(figuresOf(report)).toEqual([
      { stream: 'contact', outcome: 'loaded', batches: 9, extracted: 900, loaded: 900, apiCalls: 2 + 8 },
      { stream: 'lead', outcome: 'loaded', batches: 4, extracted: 400, loaded: 400, apiCalls: 2 + 3 },
    ]);
    expect(calls.recorded).toEqual([report]);
    expect(refreshes).toBe(1);
  } finally {
    await stop();
  }
});

test('a limit counts the rows of earlier runs, and a gate opened in a continued run is decided through the cycle id; its override holds on', async () => {
  const harness = new CycleHarness(temporal, {
    plan: { streams: ['contact'], guardrails: { maxRowsPerCycle: 650, maxInvalidShare: 0.2, schemaChangePolicy: 'approve' } },
    extract: (stream) => ({ batches: pages(stream, 9), apiCalls: 1, deferred: null }),
  });
  const stop = await harness.startWorkers();
  try {
    const started = await harness.start();
    // Addressed as the API addresses a cycle: by its workflow id alone, whichever run is current.
    const cycle = temporal.client.workflow.getHandle(harness.workflowId);
    const pending = await gateOpened(cycle);
    expect(pending).toMatchObject({ stream: 'contact', batch: { sha256: batch('contact', 7).sha256 } });
    expect((await cycle.describe()).runId).not.toBe(started.firstExecutionRunId);

    const outcome = await cycle.executeUpdate(decideApprovalUpdate, {
      args: [{ ...manager, decision: 'approve', approvalId: pending.approvalId, override: { maxRowsPerCycle: 2_000 } }],
    });
    expect(outcome).toMatchObject({ decision: 'approve', loaded: 100 });
    const report = await cycle.result();

    expect(report.status).toBe('completed');
    expect(figuresOf(report)).toEqual([{ stream: 'contact', outcome: 'loaded', batches: 9, extracted: 900, loaded: 900, apiCalls: 1 }]);
    expect(harness.calls.requested.map((p) => p.batch.sha256)).toEqual([batch('contact', 7).sha256]);
    expect(harness.calls.events).toEqual([
      ...loadedThenCommitted('contact', 6),
      'resolved:contact/7',
      'load:contact/7',
      'commit:contact/7',
      ...loadedThenCommitted('contact', 9).slice(14),
    ]);
    expect((await runsOf(temporal.client, harness.workflowId)).length).toBeGreaterThanOrEqual(2);
  } finally {
    await stop();
  }
});

test('while a gate waits for a manager, the other streams read on to their end rather than stop and wait with it', async () => {
  const harness = new CycleHarness(temporal, {
    extract: (stream) => ({ batches: pages(stream, stream === 'contact' ? 3 : 9), apiCalls: 1, deferred: null }),
    // Contact's first batch adds a column: the policy asks a manager.
    figuresOf: (b) => (b.stream === 'contact' && b.sha256.endsWith('1') ? aColumnAdded : {}),
  });
  const stop = await harness.startWorkers();
  try {
    const cycle = await harness.start();
    const pending = await gateOpened(cycle);
    // Well past the point where Temporal suggests continuing as new, with the gate still open.
    await eventually('the lead stream is read to its end', async () => (harness.calls.events.includes('commit:lead/9') ? true : undefined));
    expect((await cycle.query(pendingApprovalsQuery)).map((p) => p.approvalId)).toEqual([pending.approvalId]);

    await cycle.executeUpdate(decideApprovalUpdate, { args: [{ ...manager, decision: 'approve', approvalId: pending.approvalId }] });
    const report = await cycle.result();
    expect(figuresOf(report)).toEqual([
      { stream: 'contact', outcome: 'loaded', batches: 3, extracted: 300, loaded: 300, apiCalls: 1 },
      { stream: 'lead', outcome: 'loaded', batches: 9, extracted: 900, loaded: 900, apiCalls: 1 },
    ]);
  } finally {
    await stop();
  }
});

test('a decision sent again after the cycle continued as new gets what it led to; another decision is refused', async () => {
  let releaseLastLoad: () => void = () => undefined;
  const lastLoad = new Promise<void>((resolve) => (releaseLastLoad = resolve));
  const harness = new CycleHarness(temporal, {
    plan: { streams: ['contact'] },
    extract: (stream) => ({ batches: pages(stream, 9), apiCalls: 1, deferred: null }),
    figuresOf: (b) => (b.sha256.endsWith('2') ? aColumnAdded : {}),
    // The cycle stays running, past its first run, until the test has sent its decisions again.
    beforeLoad: (_stream, n) => (n === 9 ? lastLoad : Promise.resolve()),
  });
  const stop = await harness.startWorkers();
  try {
    const started = await harness.start();
    const cycle = temporal.client.workflow.getHandle(harness.workflowId);
    const pending = await gateOpened(cycle);
    const decision: ApprovalDecision = { ...manager, decision: 'approve', approvalId: pending.approvalId };
    const send = (body: ApprovalDecision) => cycle.executeUpdate(decideApprovalUpdate, { args: [body], updateId: decisionUpdateId(body) });
    const outcome = await send(decision);
    expect(outcome).toMatchObject({ decision: 'approve', loaded: 100 });
    await eventually('the cycle continues as new', async () =>
      (await cycle.describe()).runId !== started.firstExecutionRunId ? true : undefined,
    );

    expect(await send(decision)).toEqual(outcome);
    await expect(send({ ...decision, decision: 'reject', reason: 'changed my mind' })).rejects.toThrow(WorkflowUpdateFailedError);
    releaseLastLoad();
    const report = await cycle.result();
    expect(figuresOf(report)).toEqual([{ stream: 'contact', outcome: 'loaded', batches: 9, extracted: 900, loaded: 900, apiCalls: 1 }]);
    expect(harness.calls.resolved).toHaveLength(1);
  } finally {
    releaseLastLoad();
    await stop();
  }
});
