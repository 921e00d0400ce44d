/**
 * When a cycle's reads stop for it to continue as new: a backfill of millions of rows would otherwise
 * take the cycle's history past Temporal's limits (ingestion-cycle.ts carries the stopped reads).
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import type { StoppedRead } from '../domain/cycle';
import type { CycleContext } from './batch-gate';

/**
 * Marks the histories in which a read stops between batches once Temporal suggests continuing as new
 * (a long history), so that the cycle goes on in a fresh run; in those recorded before, reads ran to
 * their end in one run.
 */
const STOPS_FOR_CONTINUE_AS_NEW_PATCH = 'reads-stop-for-continue-as-new';

/**
 * Where a read between batches stops for the cycle to continue as new: the cycle's list of stopped
 * reads, or null when it goes on. Not while a gate waits for a manager: the reads that stopped would
 * wait with it (a day, by default), so the others read on and stop once no gate is open.
 */
export function stopsForContinueAsNew(ctx: CycleContext): StoppedRead[] | null {
  const { stopped } = ctx;
  if (stopped === null || ctx.gates.waiting().length > 0) return null;
  return stopped.length > 0 || (workflowInfo().continueAsNewSuggested && patched(STOPS_FOR_CONTINUE_AS_NEW_PATCH)) ? stopped : null;
}
