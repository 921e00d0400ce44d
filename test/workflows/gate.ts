/** An approval gate opened on a real Temporal server, for the gate's tests: a one-stream cycle whose second batch crosses a limit. */
import type { WorkflowHandle } from '@temporalio/client';
import type { ApprovalDecisionBody, PendingApproval } from '../../domain/approvals';
import type { CyclePlan } from '../../domain/cycle';
import type { GateFigures, Guardrails } from '../../domain/guardrails';
import { pendingApprovalsQuery } from '../../domain/messages';
import { eventually } from '../support/eventually';
import { batch, CycleHarness, type Scenario } from './harness';

export const twoBatches: Scenario['extract'] = (stream) => ({ batches: [batch(stream, 1), batch(stream, 2)], apiCalls: 3, deferred: null });
export const manager: Omit<ApprovalDecisionBody, 'decision'> = {
  decidedBy: 'maria@example.com',
  role: 'manager',
  reason: 'seasonal campaign import, expected',
};

/** A function that starts a one-stream cycle whose second batch shows `figures` and waits for its gate to open. */
export const gateOpener =
  (temporal: ConstructorParameters<typeof CycleHarness>[0]) =>
  async (guardrails: Partial<Guardrails>, figures: Partial<GateFigures>, plan: Partial<CyclePlan> = {}) => {
    const harness = new CycleHarness(temporal, {
      plan: { streams: ['contact'], guardrails: { maxInvalidShare: 0.2, schemaChangePolicy: 'approve', ...guardrails }, ...plan },
      extract: twoBatches,
      figuresOf: (b) => (b.sha256.endsWith('2') ? figures : {}),
    });
    const stop = await harness.startWorkers();
    const handle = await harness.start();
    return { harness, handle, stop, pending: await gateOpened(handle) };
  };

/** Waits until a gate of the cycle (any of its runs: a handle by workflow id) is open, and returns its request. */
export async function gateOpened(cycle: Pick<WorkflowHandle, 'query'>): Promise<PendingApproval> {
  const [pending] = await eventually('the gate opens', async () => {
    const open = await cycle.query(pendingApprovalsQuery);
    return open.length > 0 ? open : undefined;
  });
  return pending as PendingApproval;
}
