/** Activity proxies of the privacy workflows: bounded retries, so a failure becomes an alert, not a hang. */
import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { createErasureActivities } from '../activities/privacy/erasure-activities';
import type { createRetentionActivities } from '../activities/privacy/retention-activities';

const retry: RetryPolicy = { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['config-error', 'data-error'] };

export const retention = proxyActivities<ReturnType<typeof createRetentionActivities>>({ startToCloseTimeout: '30 minutes', retry });
export const erasure = proxyActivities<ReturnType<typeof createErasureActivities>>({ startToCloseTimeout: '30 minutes', retry });
