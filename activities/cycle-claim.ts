/**
 * One ingestion cycle per connector at a time, whatever started it (its schedule, "run now", an
 * operator in the Web UI): an older cycle loading after a newer one would put stale rows back and
 * move the cursor backwards. The claim lives in the control plane; Temporal says whether its holder
 * still runs, so a cycle that failed or was terminated without releasing it blocks nobody.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { CycleClaimRepository } from './store/cycle-claims';

/** Whether a workflow is still running; by default asked of Temporal through the activity's client. */
export type IsWorkflowRunning = (workflowId: string) => Promise<boolean>;

export const isWorkflowRunning: IsWorkflowRunning = async (workflowId) => {
  try {
    const description = await Context.current().client.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
};

/** Two stale holders replaced in a row by others is already unlikely; more means something is wrong. */
const TAKE_OVER_ATTEMPTS = 3;

/** Claims the connector for `workflowId`: null when it may run, else the id of the cycle that runs. */
export async function claimConnector(
  claims: Pick<CycleClaimRepository, 'claim' | 'takeOver'>,
  isRunning: IsWorkflowRunning,
  connectorId: string,
  workflowId: string,
): Promise<string | null> {
  for (let attempt = 1; attempt <= TAKE_OVER_ATTEMPTS; attempt += 1) {
    const holder = await claims.claim(connectorId, workflowId);
    if (holder === workflowId) return null;
    if (await isRunning(holder)) return holder;
    // The holder closed without releasing its claim: the connector is free, unless another cycle took it first.
    if (await claims.takeOver(connectorId, holder, workflowId)) return null;
  }
  throw new Error(`connector ${connectorId}: the cycle claim changed hands ${TAKE_OVER_ATTEMPTS} times while it was taken; retrying`);
}
