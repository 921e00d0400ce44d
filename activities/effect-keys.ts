/**
 * Keys under which an activity's counted writes are recorded once (store.recordOnce): one activity
 * execution keeps its key across retries, and one load keeps its key across cycles that re-read it.
 */
import { Context } from '@temporalio/activity';

/**
 * What every key of one activity execution starts with. Such a key guards that execution's retries
 * only, which come within its timeouts, so a retention sweep may forget it; a load's key may not go
 * while the warehouse's ledger remembers the load (a cycle that reads the batch again finds both).
 */
export const ACTIVITY_EFFECT_PREFIX = 'activity/';

/** This activity execution: the same for every attempt of it, different for every other execution. */
export function activityEffectKey(): string {
  const { workflowExecution, activityId, activityType } = Context.current().info;
  if (!workflowExecution) throw new Error(`${activityType} records its effects only as an activity of a workflow`);
  return `${ACTIVITY_EFFECT_PREFIX}${workflowExecution.workflowId}/${workflowExecution.runId}/${activityId}`;
}

/** A batch's load, whichever cycle or re-validation ran it. */
export const loadEffectKey = (loadId: string): string => `load/${loadId}`;

/** One of several effects of this activity execution, named by `what`. */
export const withinActivity = (what: string): string => `${activityEffectKey()}/${what}`;
