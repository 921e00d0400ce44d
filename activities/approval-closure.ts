/**
 * An approval gate lives in its cycle's workflow: once that workflow is closed (terminated, timed
 * out, failed, or gone from Temporal's retention) no decision can reach the gate, so its pending row
 * is recorded as abandoned. The API does so when it looks at the approval; the worker does so for
 * every pending approval once a minute, so that the waiting gauges and their alert clear unattended.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from './logger';
import type { ApprovalRepository, StoredApproval } from './store/approvals';

/** What a describe may take before the look is given up (and tried again on the next pass). */
const DESCRIBE_TIMEOUT_MS = 10_000;

/** Why the cycle holding this approval can no longer decide it; null while it runs. */
export async function closedCycleReason(client: Client, workflowId: string): Promise<string | null> {
  const description = await client
    .withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () => client.workflow.getHandle(workflowId).describe())
    .catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    });
  if (!description) return `Temporal no longer knows cycle ${workflowId}`;
  if (description.status.name === 'RUNNING') return null;
  return `cycle ${workflowId} is ${description.status.name}: it waits for no decision`;
}

/** Records the approval abandoned when its cycle is closed; returns the reason, or null while it runs. */
export async function abandonIfClosed(
  client: Client,
  approvals: Pick<ApprovalRepository, 'abandon'>,
  { approvalId, workflowId }: Pick<StoredApproval, 'approvalId' | 'workflowId'>,
  now: () => Date = () => new Date(),
): Promise<string | null> {
  const reason = await closedCycleReason(client, workflowId);
  if (reason !== null) await approvals.abandon(approvalId, { at: now().toISOString(), reason });
  return reason;
}

/** How often the worker looks at the pending approvals' cycles: one describe per pending approval. */
export const APPROVAL_RECONCILE_MS = 60_000;

/** One pass over the pending approvals; a cycle Temporal did not answer for is looked at next pass. */
export async function abandonClosedApprovals(
  client: Client,
  approvals: Pick<ApprovalRepository, 'abandon' | 'list'>,
  logger: Logger,
): Promise<number> {
  let abandoned = 0;
  for (const pending of await approvals.list({ status: 'pending', limit: 1_000 })) {
    try {
      const reason = await abandonIfClosed(client, approvals, pending);
      if (reason === null) continue;
      abandoned += 1;
      logger.info({ approvalId: pending.approvalId, reason }, 'approval abandoned: its cycle closed');
    } catch (error) {
      logger.warn({ approvalId: pending.approvalId, error: String(error) }, 'could not tell whether an approval’s cycle still runs');
    }
  }
  return abandoned;
}

/** Runs abandonClosedApprovals every `everyMs` until stopped; one pass at a time. */
export function reconcileApprovalsPeriodically(
  client: Client,
  approvals: Pick<ApprovalRepository, 'abandon' | 'list'>,
  logger: Logger,
  everyMs = APPROVAL_RECONCILE_MS,
): { stop(): Promise<void> } {
  let pass: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    // A slow pass is not overtaken: the tick that finds one still going lets it be.
    pass ??= abandonClosedApprovals(client, approvals, logger)
      .catch((error: unknown) => logger.warn({ error: String(error) }, 'the pending approvals could not be reconciled'))
      .finally(() => {
        pass = null;
      });
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await pass;
    },
  };
}
