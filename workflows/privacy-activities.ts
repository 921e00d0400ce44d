/** Activity proxies of the privacy workflows: bounded retries, so a failure becomes an alert, not a hang. */
import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import { ACTIVITY_HEARTBEAT_TIMEOUT } from '../domain/constants';
import { NON_RETRYABLE_ERROR_TYPES } from '../domain/errors';
import type { createErasureActivities } from '../activities/privacy/erasure-activities';
import type { createRetentionActivities } from '../activities/privacy/retention-activities';

const retry: RetryPolicy = {
  initialInterval: '1 second',
  maximumInterval: '30 seconds',
  maximumAttempts: 5,
  nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
};

// A sweep may take its half hour; a killed worker's sweep is retried after the heartbeat timeout.
const timeouts = { startToCloseTimeout: '30 minutes', heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT } as const;

export const retention = proxyActivities<ReturnType<typeof createRetentionActivities>>({ ...timeouts, retry });
export const erasure = proxyActivities<ReturnType<typeof createErasureActivities>>({ ...timeouts, retry });
