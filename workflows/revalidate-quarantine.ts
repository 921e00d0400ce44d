/**
 * A manager re-validates a quarantined batch with a changed suite: the rows still quarantined are
 * judged again, the verdicts are loaded, and who asked and what it did goes to the audit log. Only
 * figures and batch references pass through this workflow's history.
 */
import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createRevalidateActivities } from '../activities/revalidate-activities';
import { ACTIVITY_HEARTBEAT_TIMEOUT, searchAttributes } from '../domain/constants';
import { NON_RETRYABLE_ERROR_TYPES } from '../domain/errors';
import type { QuarantineRevalidation, RevalidateQuarantineInput } from '../domain/messages';

const revalidation = proxyActivities<ReturnType<typeof createRevalidateActivities>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  // A bad suite, an unknown report or a batch never loaded is a config error: not retried.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

export async function revalidateQuarantine(input: RevalidateQuarantineInput): Promise<QuarantineRevalidation> {
  const { connectorId, qualityReportId, suite, requestedBy } = input;
  upsertSearchAttributes([{ key: searchAttributes.connectorId, value: connectorId }]);

  const plan = await revalidation.planQuarantineRevalidation({ connectorId, qualityReportId, suite });
  const { merged } = plan.load
    ? await revalidation.applyQuarantineRevalidation({
        connectorId,
        userId: plan.userId,
        source: plan.source,
        stream: plan.result.stream,
        load: plan.load,
      })
    : { merged: 0 };
  const result: QuarantineRevalidation = { ...plan.result, merged };

  await revalidation.recordQuarantineRevalidation({ result, userId: plan.userId, requestedBy, workflowId: workflowInfo().workflowId });
  return result;
}
