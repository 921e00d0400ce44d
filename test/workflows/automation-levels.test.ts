/**
 * Automation levels and overrides on a real Temporal server: always-approve, auto, dry-run, a one-time
 * override lifting a limit; a gate kept open across a worker restart and shown to operators; a load
 * failing after its approval.
 */
import { cycleReportOf } from '../../domain/cycle-failure';
import { decideApprovalUpdate, pendingApprovalsQuery } from '../../domain/messages';
import { eventually } from '../support/eventually';
import { useTemporal } from '../support/temporal';
import { batch, CycleHarness } from './harness';
import { gateOpener, manager, twoBatches } from './gate';

const temporal = useTemporal();
const openGate = gateOpener(temporal);

test('always-approve waits on every load, even within limits; a one-time override lifts a limit for the rest of the cycle', async () => {
  const { harness, handle, stop, pending } = await openGate({}, {}, { automationLevel: 'always-approve' });
  try {
    expect(pending).toMatchObject({ reason: 'always-approve', breaches: [] });
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ ...manager, decision: 'approve', approvalId: pending.approvalId }] });
    const second = await eventually('the second gate opens', async () => {
      const open = await handle.query(pendingApprovalsQuery);
      return open.find((p) => p.approvalId !== pending.approvalId);
    });
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ ...manager, decision: 'approve', approvalId: second.approvalId }] });
    expect((await handle.result()).status).toBe('completed');
    expect(harness.calls.loads).toHaveLength(2);
  } finally {
    await stop();
  }
});

test('auto alerts and loads; dry-run loads nothing and reports what would have happened', async () => {
  const figuresOf = () => ({ invalidShare: 0.5, invalid: 50 });
  const auto = new CycleHarness(temporal, { plan: { streams: ['contact'], automationLevel: 'auto' }, extract: twoBatches, figuresOf });
  const autoReport = await auto.run();
  expect(autoReport.status).toBe('completed');
  expect(auto.calls.loads).toHaveLength(2);
  expect(auto.calls.alerts).toHaveLength(2);
  expect(autoReport.streams[0]?.breaches[0]).toMatchObject({ guardrail: 'maxInvalidShare', resolution: 'alerted (automation level auto)' });

  const dry = new CycleHarness(temporal, { plan: { streams: ['contact'], automationLevel: 'dry-run' }, extract: twoBatches, figuresOf });
  const dryReport = await dry.run();
  expect(dryReport.status).toBe('dry-run');
  expect(dry.calls.loads).toEqual([]);
  expect(dry.calls.commits).toEqual([]);
  expect(dryReport.streams[0]).toMatchObject({
    outcome: 'dry-run',
    wouldLoad: 200,
    breaches: [expect.objectContaining({ guardrail: 'maxInvalidShare' }), expect.anything()],
  });
});

test('a worker restarted while a gate is open keeps waiting, then completes on approval', async () => {
  const { harness, handle, stop, pending } = await openGate({ maxInvalidShare: 0.1 }, { invalidShare: 0.5, invalid: 50 });
  await stop();
  const restarted = await harness.startWorkers();
  try {
    expect(await handle.query(pendingApprovalsQuery)).toEqual([expect.objectContaining({ approvalId: pending.approvalId })]);
    const outcome = await handle.executeUpdate(decideApprovalUpdate, {
      args: [{ ...manager, decision: 'approve', approvalId: pending.approvalId }],
    });
    expect(outcome.loaded).toBe(100);
    expect((await handle.result()).status).toBe('completed');
  } finally {
    await restarted();
  }
});

test('the waiting cycle is marked for operators: search attribute and current details', async () => {
  const { handle, stop, pending } = await openGate({ maxInvalidShare: 0.1 }, { invalidShare: 0.5, invalid: 50 });
  try {
    // Marked once the approval is on record (the gate opens a moment before, as the record is written).
    await eventually('the cycle marked as awaiting approval', async () => {
      const { searchAttributes } = await handle.describe();
      return searchAttributes.CycleStatus?.[0] === 'awaiting-approval' || undefined;
    });
    // What the Web UI shows as the workflow's current details.
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain("Waiting for a manager's decision** on contact batch");
    expect(metadata.currentDetails).toContain('maxInvalidShare 0.500 > 0.100');
    expect(metadata.currentDetails).toContain(pending.approvalId);
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ ...manager, decision: 'approve', approvalId: pending.approvalId }] });
    await handle.result();
    expect((await handle.describe()).searchAttributes.CycleStatus).toEqual(['completed']);
  } finally {
    await stop();
  }
});

test('an override lifts the limit for the rest of the stream: a later breaching batch loads without a gate', async () => {
  const harness = new CycleHarness(temporal, {
    plan: { streams: ['contact'], guardrails: { maxInvalidShare: 0.1, schemaChangePolicy: 'approve' } },
    extract: (stream) => ({ batches: [batch(stream, 1), batch(stream, 2), batch(stream, 3)], apiCalls: 1, deferred: null }),
    invalidRowsOf: (b) => (b.sha256.endsWith('1') ? 0 : 40),
  });
  const stop = await harness.startWorkers();
  try {
    const handle = await harness.start();
    const first = await eventually('the gate opens', async () => (await handle.query(pendingApprovalsQuery))[0]);
    expect(first.batch.sha256).toBe(batch('contact', 2).sha256);
    await handle.executeUpdate(decideApprovalUpdate, {
      args: [{ ...manager, decision: 'approve', override: { maxInvalidShare: 0.5 }, approvalId: first.approvalId }],
    });
    expect((await handle.result()).status).toBe('completed');
    expect(harness.calls.requested).toHaveLength(1);
    expect(harness.calls.loads).toHaveLength(3);
  } finally {
    await stop();
  }
});

test('a load that fails after its approval ends the stream, and the decision still gets its answer', async () => {
  const { harness, handle, stop, pending } = await openGate({ maxInvalidShare: 0.1 }, { invalidShare: 0.5, invalid: 50 });
  try {
    harness.failLoadsOf = (b) => b.sha256.endsWith('2');
    const outcome = await handle.executeUpdate(decideApprovalUpdate, {
      args: [{ ...manager, decision: 'approve', approvalId: pending.approvalId }],
    });
    expect(outcome).toMatchObject({ decision: 'approve', loaded: 0, keptBatch: batch('contact', 2).uri });
    const report = await cycleReportOf(handle.result());
    expect(report.status).toBe('failed');
    expect((await handle.describe()).status.name).toBe('FAILED');
    expect(report.streams[0]?.detail).toBe('batch 2 does not fit the table');
    expect(harness.calls.commits).toEqual(['contact@2026-01-01T00:00:00.000Z']);
  } finally {
    await stop();
  }
});
