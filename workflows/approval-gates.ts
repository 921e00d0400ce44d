/**
 * The approval gates of one cycle: each waits for a manager's decision (an update, or a signal for
 * clients without updates) until the policy's timeout, then the policy decides. Handlers are
 * registered before the cycle does anything, so no decision can arrive unheard.
 */
import { condition, log, setHandler } from '@temporalio/workflow';
import {
  resolutionOf,
  type ApprovalDecision,
  type ApprovalOutcome,
  type ApprovalResolution,
  type PendingApproval,
} from '../domain/approvals';
import type { SettledApproval } from '../domain/cycle';
import { durationToMs } from '../domain/durations';
import type { ApprovalPolicy } from '../domain/guardrails';
import { decideApprovalSignal, decideApprovalUpdate, pendingApprovalsQuery } from '../domain/messages';

interface Gate {
  pending: PendingApproval;
  resolution?: ApprovalResolution;
  outcome?: ApprovalOutcome;
}

export class ApprovalGates {
  private readonly gates = new Map<string, Gate>();
  private policy: ApprovalPolicy | undefined;

  /**
   * `settled`: the approvals an earlier run of the cycle settled (it continued as new), so that a
   * repeat of one is answered. They are in place before the handlers: a decision waiting for this run
   * is handled as soon as its handler is set.
   */
  constructor(settled: readonly SettledApproval[] = []) {
    for (const { pending, outcome } of settled) this.gates.set(pending.approvalId, { pending, resolution: outcome, outcome });
    setHandler(pendingApprovalsQuery, () => this.waiting().map((gate) => gate.pending));
    setHandler(decideApprovalUpdate, (decision) => this.decideAndAwaitOutcome(decision), {
      validator: (decision) => {
        const problem = this.problemWith(decision);
        if (problem) throw new Error(problem);
      },
    });
    setHandler(decideApprovalSignal, (decision) => {
      const problem = this.problemWith(decision);
      if (problem) log.warn('approval decision refused', { approvalId: decision.approvalId, problem });
      else if (!this.gates.get(decision.approvalId)?.resolution) this.resolve(decision);
    });
  }

  /** The approvals decided and acted on, for the cycle's next run. */
  settled(): SettledApproval[] {
    return [...this.gates.values()].flatMap(({ pending, outcome }) => (outcome ? [{ pending, outcome }] : []));
  }

  /** The policy comes with the cycle's plan, after the handlers are in place. */
  usePolicy(policy: ApprovalPolicy): void {
    this.policy = policy;
  }

  waiting(): Gate[] {
    return [...this.gates.values()].filter((gate) => !gate.resolution);
  }

  /** Opens a gate and waits for a person or, at the deadline, the policy. */
  async request(pending: PendingApproval): Promise<ApprovalResolution> {
    const gate: Gate = { pending };
    this.gates.set(pending.approvalId, gate);
    const decided = await condition(() => gate.resolution !== undefined, Date.parse(pending.deadline) - Date.now());
    if (!decided) {
      gate.resolution = {
        approvalId: pending.approvalId,
        decision: pending.onTimeout,
        decidedBy: 'approval-policy',
        role: null,
        reason: `no decision by ${pending.deadline}: the policy says ${pending.onTimeout}`,
        decidedAt: new Date().toISOString(),
        byPolicy: true,
      };
    }
    return gate.resolution as ApprovalResolution;
  }

  /**
   * Closes a gate whose request could not be recorded. A decision it accepted meanwhile (the record
   * may have landed before its activity failed) gets an outcome: nothing loaded, the batch kept.
   */
  withdraw(approvalId: string, keptBatch: string): void {
    const gate = this.gates.get(approvalId);
    if (gate?.resolution) gate.outcome = { ...gate.resolution, loaded: 0, deleted: 0, keptBatch };
    this.gates.delete(approvalId);
  }

  /** Records what the decision led to; the update that made it returns this. */
  settle(outcome: ApprovalOutcome): void {
    const gate = this.gates.get(outcome.approvalId);
    if (gate) gate.outcome = outcome;
  }

  deadlineFrom(openedAt: Date): string {
    return new Date(openedAt.getTime() + durationToMs(this.requirePolicy().timeout)).toISOString();
  }

  private async decideAndAwaitOutcome(decision: ApprovalDecision): Promise<ApprovalOutcome> {
    const decided = this.gates.get(decision.approvalId);
    // The validator lets a decided gate through only for the same decision again: it gets the outcome.
    const gate = decided?.resolution ? decided : this.resolve(decision);
    await condition(() => gate.outcome !== undefined);
    return gate.outcome as ApprovalOutcome;
  }

  private resolve(decision: ApprovalDecision): Gate {
    const gate = this.gates.get(decision.approvalId);
    if (!gate) throw new Error(`approval ${decision.approvalId} is not open`);
    gate.resolution = resolutionOf(decision, new Date().toISOString());
    return gate;
  }

  private problemWith(decision: ApprovalDecision): string | null {
    const gate = this.gates.get(decision.approvalId);
    if (!gate) return `approval ${decision.approvalId} is not open in this cycle`;
    if (gate.resolution) {
      if (gate.outcome && isRepeat(gate.resolution, decision)) return null;
      return `approval ${decision.approvalId} was already decided (${gate.resolution.decision} by ${gate.resolution.decidedBy} at ${gate.resolution.decidedAt})`;
    }
    if (Date.now() >= Date.parse(gate.pending.deadline)) {
      return `approval ${decision.approvalId} timed out at ${gate.pending.deadline}; the policy (${gate.pending.onTimeout}) applies`;
    }
    const allowed = this.requirePolicy().approverRole;
    if (decision.role !== allowed && decision.role !== 'admin') {
      return `role ${decision.role} may not decide approvals of this connector: it takes ${allowed} or admin`;
    }
    return null;
  }

  private requirePolicy(): ApprovalPolicy {
    if (!this.policy) throw new Error('the cycle has no approval policy yet');
    return this.policy;
  }
}

/** The same person's same decision, sent again (a timeout's decision is the policy's, never repeated). */
function isRepeat(first: ApprovalResolution, decision: ApprovalDecision): boolean {
  return !first.byPolicy && first.decidedBy === decision.decidedBy && first.decision === decision.decision;
}
