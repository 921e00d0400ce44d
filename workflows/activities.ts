/** Activity proxies with the timeouts and retry policies each kind of work needs. */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { ACTIVITY_HEARTBEAT_TIMEOUT, sourceTaskQueue } from '../domain/constants';
import type { CyclePlan } from '../domain/cycle';
import { NON_RETRYABLE_ERROR_TYPES } from '../domain/errors';
import type { createCycleActivities } from '../activities/cycle-activities';
import type { createExtractActivities } from '../activities/extract-activities';
import type { createBatchActivities } from '../activities/batch-activities';
import type { createCredentialActivities } from '../activities/credential-activities';
import type { createGateActivities } from '../activities/gate-activities';
import type { createModelActivities } from '../activities/models/model-activities';

type CycleActivities = ReturnType<typeof createCycleActivities> &
  ReturnType<typeof createGateActivities> &
  ReturnType<typeof createBatchActivities> &
  ReturnType<typeof createCredentialActivities> &
  ReturnType<typeof createModelActivities>;
type ExtractActivities = ReturnType<typeof createExtractActivities>;

export const control = proxyActivities<CycleActivities>({
  startToCloseTimeout: '10 minutes',
  // A killed worker's activity is retried after this, not after its start-to-close timeout.
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  // A bug (not a connector error) must not retry forever: after this the stream fails and says why.
  scheduleToCloseTimeout: '2 hours',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

/** Marks histories whose pages are read on the account's queue rather than the source's. */
const ACCOUNT_QUEUES_PATCH = 'account-task-queues';

/**
 * The queue a plan's pages are read on: its source account's (activities/sources/accounts.ts). A
 * cycle recorded before accounts had queues read on the source's queue, and replays so.
 */
function extractQueue(plan: Pick<CyclePlan, 'source' | 'extractQueue'>): string {
  if (plan.extractQueue !== undefined && patched(ACCOUNT_QUEUES_PATCH)) return plan.extractQueue;
  return sourceTaskQueue(plan.source, workflowInfo().taskQueue);
}

/**
 * Pages are read on the source account's own task queue, whose rate limit holds across workers. A
 * throttled page fails with the server's wait (or a jittered backoff) as its next retry delay, so the
 * cycle sleeps durably instead of hammering the API; retries are unbounded in count but not in time.
 */
export const extractorFor = (plan: Pick<CyclePlan, 'source' | 'extractQueue'>): ExtractActivities =>
  proxyActivities<ExtractActivities>({
    taskQueue: extractQueue(plan),
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
    // Persistent throttling keeps the cycle waiting durably this long before the stream gives up.
    scheduleToCloseTimeout: '12 hours',
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
      nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
    },
  });
