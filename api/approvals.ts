/**
 * An approval as the store holds it, with what its waiting workflow shows right now; and a manager's
 * decision, delivered as the workflow's Update so that the caller learns what it led to.
 */
import { createHash } from 'node:crypto';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
  type Client,
  type WorkflowUpdateHandle,
} from '@temporalio/client';
import { abandonIfClosed } from '../activities/approval-closure';
import type { ApprovalRepository, StoredApproval } from '../activities/store/approvals';
import type { ApprovalDecision, ApprovalDecisionBody, ApprovalOutcome, PendingApproval } from '../domain/approvals';
import { decideApprovalUpdate, pendingApprovalsQuery } from '../domain/messages';
import { ApiError, conflict, forbidden, temporalUnavailable } from './errors';
import { isTemporalUnreachable, LIVE_QUERY_TIMEOUT_MS, queryLive, TEMPORAL_CALL_TIMEOUT_MS } from './temporal-calls';

/** How long a decision's caller waits for the outcome (the approved batch's load) before getting 202. */
export const DECISION_OUTCOME_WAIT_MS = 60_000;

/**
 * `waiting`: the workflow holds the gate open; `not-waiting`: it does not (decided a moment ago, or
 * the cycle ended); `no-answer`: no worker or server answered in time.
 */
export type LiveGate = { state: 'waiting'; gate: PendingApproval } | { state: 'not-waiting' | 'no-answer'; detail: string };

export interface ApprovalView extends StoredApproval {
  /** Only for a pending approval: the gate as its workflow shows it now. */
  live: LiveGate | null;
}

export type DecisionResult = { status: 'decided'; outcome: ApprovalOutcome } | { status: 'accepted'; approvalId: string; detail: string };

/** A pending approval whose cycle turns out closed is recorded abandoned on the way, and shown so. */
export async function viewApproval(
  client: Client,
  approvals: Pick<ApprovalRepository, 'abandon' | 'get'>,
  stored: StoredApproval,
): Promise<ApprovalView> {
  if (stored.status !== 'pending') return { ...stored, live: null };
  try {
    const closed = await abandonIfClosed(client, approvals, stored);
    if (closed !== null) {
      // As recorded now (abandoned, unless a decision landed first), with what was just found out.
      const recorded = (await approvals.get(stored.approvalId)) ?? stored;
      return { ...recorded, live: { state: 'not-waiting', detail: closed } };
    }
    return { ...stored, live: await liveGate(client, stored) };
  } catch (error) {
    if (!isTemporalUnreachable(error)) throw error;
    return { ...stored, live: { state: 'no-answer', detail: 'Temporal is unreachable or did not answer in time' } };
  }
}

/** The gate as the running cycle shows it. */
async function liveGate(client: Client, { approvalId, workflowId }: StoredApproval): Promise<LiveGate> {
  const handle = client.workflow.getHandle(workflowId);
  const waiting = await queryLive(client, () => handle.query(pendingApprovalsQuery));
  if (waiting === null) {
    return { state: 'no-answer', detail: `no worker answered the pending-approvals query within ${LIVE_QUERY_TIMEOUT_MS / 1_000} s` };
  }
  const gate = waiting.find((pending) => pending.approvalId === approvalId);
  if (gate) return { state: 'waiting', gate };
  return { state: 'not-waiting', detail: `cycle ${workflowId} holds no open gate ${approvalId}: a decision is being applied` };
}

/**
 * The same person sending the same decision again gets the same Update (the server deduplicates
 * it by id) and so its outcome, never a second decision. Hashed: the id is shown in plain text.
 */
export const decisionUpdateId = (decision: ApprovalDecision): string =>
  `approval-decision-${createHash('sha256')
    .update(JSON.stringify([decision.approvalId, decision.decidedBy, decision.decision]))
    .digest('hex')
    .slice(0, 32)}`;

export async function deliverDecision(client: Client, stored: StoredApproval, body: ApprovalDecisionBody): Promise<DecisionResult> {
  const refusal = refusalBeforeDelivery(stored, body);
  if (refusal) throw refusal;
  const decision: ApprovalDecision = { ...body, approvalId: stored.approvalId };
  const handle = client.workflow.getHandle(stored.workflowId);
  const update: WorkflowUpdateHandle<ApprovalOutcome> = await client
    .withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, () =>
      handle.startUpdate(decideApprovalUpdate, {
        args: [decision],
        updateId: decisionUpdateId(decision),
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      }),
    )
    .catch((error: unknown) => {
      throw deliveryFailure(error, stored);
    });
  try {
    const outcome = await client.withDeadline(Date.now() + DECISION_OUTCOME_WAIT_MS, () => update.result());
    return { status: 'decided', outcome };
  } catch (error) {
    // The validator's refusal (gate closed, timed out, already decided) says why in its message.
    if (error instanceof WorkflowUpdateFailedError) throw conflict(error.cause?.message ?? error.message);
    if (!(error instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw error;
    const detail =
      `the decision was accepted; its outcome was not known within ${DECISION_OUTCOME_WAIT_MS / 1_000} s ` +
      '(the batch may still be loading): send the same decision again to wait for it, it is never applied twice';
    return { status: 'accepted', approvalId: stored.approvalId, detail };
  }
}

/** What the store already tells: a role that may not decide, or a gate someone decided otherwise. */
function refusalBeforeDelivery(stored: StoredApproval, body: ApprovalDecisionBody): ApiError | null {
  const { approverRole } = stored.request;
  if (body.role !== approverRole && body.role !== 'admin') {
    return forbidden(`role ${body.role} may not decide approval ${stored.approvalId}: it takes ${approverRole} or admin`);
  }
  if (stored.abandoned) {
    return conflict(
      `approval ${stored.approvalId} was abandoned at ${stored.abandoned.at} (${stored.abandoned.reason}): no decision reaches it`,
    );
  }
  const first = stored.resolution;
  const sameDecisionAgain = first && !first.byPolicy && first.decidedBy === body.decidedBy && first.decision === body.decision;
  if (first && !sameDecisionAgain) return alreadyDecided(stored);
  return null;
}

function deliveryFailure(error: unknown, stored: StoredApproval): unknown {
  if (error instanceof WorkflowNotFoundError) {
    if (stored.resolution) return alreadyDecided(stored);
    return conflict(`approval ${stored.approvalId} is not open: its cycle ${stored.workflowId} is no longer running`);
  }
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new ApiError(
      503,
      'decision_not_confirmed',
      `no worker accepted the decision within ${TEMPORAL_CALL_TIMEOUT_MS / 1_000} s; it may still apply when one does: ` +
        'send the same decision again to learn its outcome, it is never applied twice',
    );
  }
  if (isTemporalUnreachable(error)) return temporalUnavailable('the decision was not delivered');
  return error;
}

function alreadyDecided({ approvalId, resolution }: StoredApproval): ApiError {
  const by = resolution ? `: ${resolution.decision} by ${resolution.decidedBy} at ${resolution.decidedAt}` : '';
  return conflict(`approval ${approvalId} was already decided${by}`);
}
