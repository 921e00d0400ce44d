/**
 * The approval gate on a real Temporal server: a manager decides through the Workflow Update (or the
 * signal) whenever a configured limit is crossed. Automation levels, overrides and the gate across a
 * worker restart are in automation-levels.test.ts.
 */
import { WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import type { GateFigures, Guardrails } from '../../domain/guardrails';
import { decideApprovalSignal, decideApprovalUpdate, pendingApprovalsQuery } from '../../domain/messages';
import { eventually } from '../support/eventually';
import { useTemporal } from '../support/temporal';
import { batch, CycleHarness } from './harness';
import { gateOpener, manager, twoBatches } from './gate';

const temporal = useTemporal();
const openGate = gateOpener(temporal);

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

test('a decision sent the moment the approval is on record finds the gate open, and loads the batch', async () => {
  const decisions: string[] = [];
  const harness: CycleHarness = new CycleHarness(temporal, {
    plan: {
      streams: ['contact'],
      guardrails: { maxInvalidShare: 0.2, schemaChangePolicy: 'approve', maxRowsPerCycle: 150 },
      // A refused decision leaves the gate to its timeout, which rejects: the test fails on what it checks, not by hanging.
      approvalPolicy: { timeout: '5s', onTimeout: 'reject', approverRole: 'manager' },
    },
    extract: twoBatches,
    activities: {
      // The manager decides while the request is being recorded: the decision reaches the workflow before the record's completion.
      recordApprovalRequested: async (pending) => {
        harness.calls.requested.push(pending);
        await temporal.client.workflow
          .getHandle(harness.workflowId)
          .startUpdate(decideApprovalUpdate, {
            args: [{ ...manager, decision: 'approve', approvalId: pending.approvalId }],
            waitForStage: WorkflowUpdateStage.ACCEPTED,
          })
          .then(
            () => decisions.push('accepted'),
            (error: Error) => decisions.push(`refused: ${error.cause instanceof Error ? error.cause.message : error.message}`),
          );
      },
    },
  });
  const report = await harness.run();
  expect(decisions).toEqual(['accepted']);
  expect(report.status).toBe('completed');
  expect(report.streams[0]).toMatchObject({ outcome: 'loaded', loaded: 200 });
  expect(harness.calls.resolved).toEqual([expect.objectContaining({ decision: 'approve', decidedBy: 'maria@example.com' })]);
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
