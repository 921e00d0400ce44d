/**
 * Guardrails, automation levels and the approval gate, on a real Temporal server: a manager decides
 * through the Workflow Update (or the signal) whenever a configured limit is crossed.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApprovalDecisionBody, PendingApproval } from '../../domain/approvals';
import type { CyclePlan } from '../../domain/cycle';
import type { GateFigures, Guardrails } from '../../domain/guardrails';
import { decideApprovalSignal, decideApprovalUpdate, pendingApprovalsQuery } from '../../domain/messages';
import { eventually } from '../support/eventually';
import { useTemporal } from '../support/temporal';
import { batch, CycleHarness, type Scenario } from './harness';

const temporal = useTemporal();

const twoBatches: Scenario['extract'] = (stream) => ({ batches: [batch(stream, 1), batch(stream, 2)], apiCalls: 3, deferred: null });
const manager: Omit<ApprovalDecisionBody, 'decision'> = {
  decidedBy: 'maria@example.com',
  role: 'manager',
  reason: 'seasonal campaign import, expected',
};

/** Starts a one-stream cycle whose second batch shows `figures`; waits for its gate to open. */
async function openGate(guardrails: Partial<Guardrails>, figures: Partial<GateFigures>, plan: Partial<CyclePlan> = {}) {
  const harness = new CycleHarness(temporal, {
    plan: { streams: ['contact'], guardrails: { maxInvalidShare: 0.2, schemaChangePolicy: 'approve', ...guardrails }, ...plan },
    extract: twoBatches,
    figuresOf: (b) => (b.sha256.endsWith('2') ? figures : {}),
  });
  const stop = await harness.startWorkers();
  const handle = await harness.start();
  const [pending] = await eventually('the gate opens', async () => {
    const open = await handle.query(pendingApprovalsQuery);
    return open.length > 0 ? open : undefined;
  });
  return { harness, handle, stop, pending: pending as PendingApproval };
}

const tripping: [keyof Guardrails, Partial<Guardrails>, Partial<GateFigures>][] = [
  ['maxRowsPerCycle', { maxRowsPerCycle: 150 }, {}],
  ['maxInvalidShare', { maxInvalidShare: 0.1 }, { invalidShare: 0.3, invalid: 30 }],
  ['maxDeleteShare', { maxDeleteShare: 0.05 }, { deletes: 100, tableRows: 1_000 }],
  ['schemaChangePolicy', { schemaChangePolicy: 'approve' }, { schemaChanges: [{ column: 'nickname', change: 'added', to: 'string' }] }],
  ['maxApiCallsPerCycle', { maxApiCallsPerCycle: 4 }, { apiCallsThisCycle: 6 }],
  ['dailyApiCallBudget', { dailyApiCallBudget: 100 }, { apiCallsToday: 120 }],
  ['dailyCostBudgetUsd', { dailyCostBudgetUsd: 2 }, { costTodayUsd: 2.5 }],
  // An expectation that fails the batch as a whole (its `mostly` missed), whatever the invalid share.
  ['suiteFailurePolicy', {}, { failedExpectations: ['match_regex(email)'] }],
];

test.each(tripping)('%s trips the gate; approving loads exactly that batch', async (guardrail, limits, figures) => {
  const { harness, handle, stop, pending } = await openGate(limits, figures);
  try {
    expect(pending.breaches.map((b) => b.guardrail)).toContain(guardrail);
    expect(pending).toMatchObject({ stream: 'contact', batch: { sha256: batch('contact', 2).sha256 }, approverRole: 'manager' });
    const loadsBefore = [...harness.calls.loads];

    const outcome = await handle.executeUpdate(decideApprovalUpdate, {
      args: [{ ...manager, decision: 'approve', approvalId: pending.approvalId }],
    });
    expect(outcome).toMatchObject({ decision: 'approve', decidedBy: 'maria@example.com', byPolicy: false, loaded: 100, keptBatch: null });
    const report = await handle.result();
    expect(report.status).toBe('completed');
    expect(harness.calls.loads.filter((id) => !loadsBefore.includes(id))).toEqual([
      `${harness.plan.connectorId}/contact/${batch('contact', 2).sha256}`,
    ]);
    expect(harness.calls.requested.map((p) => p.approvalId)).toEqual([pending.approvalId]);
    expect(harness.calls.resolved).toEqual([
      expect.objectContaining({ approvalId: pending.approvalId, decision: 'approve', decidedBy: 'maria@example.com' }),
    ]);
    // The approval is on record before the load it allows.
    expect(harness.calls.events.slice(-3)).toEqual(['resolved:contact/2', 'load:contact/2', 'commit:contact/2']);
  } finally {
    await stop();
  }
});

test('rejecting loads nothing, keeps the batch for audit and does not move the cursor', async () => {
  const { harness, handle, stop, pending } = await openGate({ maxInvalidShare: 0.1 }, { invalidShare: 0.5, invalid: 50 });
  try {
    const outcome = await handle.executeUpdate(decideApprovalUpdate, {
      args: [{ ...manager, decision: 'reject', reason: 'source looks broken', approvalId: pending.approvalId }],
    });
    expect(outcome).toMatchObject({ decision: 'reject', loaded: 0, keptBatch: batch('contact', 2).uri });
    const report = await handle.result();
    expect(report.status).toBe('rejected');
    expect(report.streams[0]?.detail).toBe('rejected by maria@example.com: source looks broken');
    expect(harness.calls.loads).toHaveLength(1);
    expect(harness.calls.commits).toEqual(['contact@2026-01-01T00:00:00.000Z']);
  } finally {
    await stop();
  }
});

test('skipping loads nothing but moves past the batch', async () => {
  const { harness, handle, stop, pending } = await openGate({ maxInvalidShare: 0.1 }, { invalidShare: 0.5, invalid: 50 });
  try {
    await handle.executeUpdate(decideApprovalUpdate, {
      args: [{ ...manager, decision: 'skip', reason: 'known bad export', approvalId: pending.approvalId }],
    });
    expect((await handle.result()).status).toBe('completed');
    expect(harness.calls.loads).toHaveLength(1);
    expect(harness.calls.commits).toEqual(['contact@2026-01-01T00:00:00.000Z', 'contact@2026-01-02T00:00:00.000Z']);
  } finally {
    await stop();
  }
});

test.each([
  ['reject', 'rejected', 1],
  ['approve', 'completed', 2],
] as const)('with no decision by the timeout the policy (%s) decides', async (onTimeout, status, loads) => {
  const { harness, handle, stop } = await openGate(
    { maxInvalidShare: 0.1 },
    { invalidShare: 0.5, invalid: 50 },
    { approvalPolicy: { timeout: '2s', onTimeout, approverRole: 'manager' } },
  );
  try {
    const report = await handle.result();
    expect(report.status).toBe(status);
    expect(harness.calls.loads).toHaveLength(loads);
    expect(harness.calls.resolved).toEqual([
      expect.objectContaining({ decision: onTimeout, byPolicy: true, decidedBy: 'approval-policy' }),
    ]);
  } finally {
    await stop();
  }
});

test('a decision from a role that may not decide is refused, saying why; the gate stays open', async () => {
  const { harness, handle, stop, pending } = await openGate({ maxInvalidShare: 0.1 }, { invalidShare: 0.5, invalid: 50 });
  try {
    const refused = handle.executeUpdate(decideApprovalUpdate, {
      args: [
        { decidedBy: 'sam@example.com', role: 'campaign-lead', decision: 'approve', reason: 'please', approvalId: pending.approvalId },
      ],
    });
    await expect(refused).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(refused).rejects.toMatchObject({
      cause: {
        message: expect.stringContaining('role campaign-lead may not decide approvals of this connector: it takes manager or admin'),
      },
    });
    expect(await handle.query(pendingApprovalsQuery)).toHaveLength(1);
    expect(harness.calls.loads).toHaveLength(1);

    await handle.executeUpdate(decideApprovalUpdate, {
      args: [{ ...manager, decidedBy: 'root', role: 'admin', decision: 'approve', approvalId: pending.approvalId }],
    });
    expect((await handle.result()).status).toBe('completed');
  } finally {
    await stop();
  }
});

test('a decision on a gate that is not open is refused', async () => {
  const harness = new CycleHarness(temporal, {
    plan: { streams: ['contact'], guardrails: { maxInvalidShare: 0.1, schemaChangePolicy: 'approve' } },
    extract: (stream) => ({ batches: [batch(stream, 1), batch(stream, 2)], apiCalls: 1, deferred: null }),
    invalidRowsOf: () => 50,
  });
  const stop = await harness.startWorkers();
  try {
    const handle = await harness.start();
    const first = await eventually('the first gate opens', async () => (await handle.query(pendingApprovalsQuery))[0]);
    const unknown = handle.executeUpdate(decideApprovalUpdate, { args: [{ ...manager, decision: 'approve', approvalId: 'nope' }] });
    await expect(unknown).rejects.toMatchObject({ cause: { message: 'approval nope is not open in this cycle' } });

    await handle.executeUpdate(decideApprovalUpdate, { args: [{ ...manager, decision: 'approve', approvalId: first.approvalId }] });
    const second = await eventually('the second gate opens', async () => (await handle.query(pendingApprovalsQuery))[0]);
    const again = handle.executeUpdate(decideApprovalUpdate, { args: [{ ...manager, decision: 'reject', approvalId: first.approvalId }] });
    await expect(again).rejects.toMatchObject({
      cause: { message: expect.stringContaining(`approval ${first.approvalId} was already decided (approve by maria@example.com`) },
    });

    await handle.executeUpdate(decideApprovalUpdate, { args: [{ ...manager, decision: 'approve', approvalId: second.approvalId }] });
    expect((await handle.result()).status).toBe('completed');
  } finally {
    await stop();
  }
});

test('clients without updates decide with the signal', async () => {
  const { harness, handle, stop, pending } = await openGate({ maxInvalidShare: 0.1 }, { invalidShare: 0.5, invalid: 50 });
  try {
    await handle.signal(decideApprovalSignal, { ...manager, decision: 'approve', approvalId: pending.approvalId });
    expect((await handle.result()).status).toBe('completed');
    expect(harness.calls.loads).toHaveLength(2);
  } finally {
    await stop();
  }
});

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
    const description = await handle.describe();
    expect(description.searchAttributes.CycleStatus).toEqual(['awaiting-approval']);
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
    const report = await handle.result();
    expect(report.status).toBe('failed');
    expect(report.streams[0]?.detail).toBe('batch 2 does not fit the table');
    expect(harness.calls.commits).toEqual(['contact@2026-01-01T00:00:00.000Z']);
  } finally {
    await stop();
  }
});
