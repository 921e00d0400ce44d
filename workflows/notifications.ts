/**
 * Sending a notification, apart from whatever raised it: one workflow per event (its id is the
 * event's), one activity per channel with its own retries. A channel that keeps failing is retried
 * for a day, visible meanwhile as a pending activity here and as `failing` in the delivery log, then
 * marked failed; it never holds up the other channels, and never the cycle that raised the event.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { createNotificationActivities } from '../activities/notifications/delivery-activities';
import { ACTIVITY_HEARTBEAT_TIMEOUT } from '../domain/constants';
import { NON_RETRYABLE_ERROR_TYPES } from '../domain/errors';
import type { ApprovalReminderInput } from '../domain/notifications';

type NotificationActivities = ReturnType<typeof createNotificationActivities>;

const bookkeeping = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});

/** A receiver down for hours still gets the message once it is back, within a day. */
const delivery = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
  scheduleToCloseTimeout: '24 hours',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '15 minutes',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  },
});

const causeOf = (error: unknown): string =>
  error instanceof ActivityFailure && error.cause ? error.cause.message : error instanceof Error ? error.message : String(error);

export async function notificationDelivery(eventId: string): Promise<void> {
  const channelIds = await bookkeeping.notificationChannelsOf(eventId);
  const results = await Promise.allSettled(channelIds.map((channelId) => delivery.deliverNotification({ eventId, channelId })));
  const failed: string[] = [];
  for (const [i, result] of results.entries()) {
    const channelId = channelIds[i];
    if (result.status === 'fulfilled' || channelId === undefined) continue;
    await bookkeeping.giveUpDelivery({ eventId, channelId, error: causeOf(result.reason) });
    failed.push(`${channelId}: ${causeOf(result.reason)}`);
  }
  // Failed, not completed, so an operator scanning the workflow list sees it.
  if (failed.length > 0) throw ApplicationFailure.nonRetryable(`not delivered to ${failed.join('; ')}`, 'notification-not-delivered');
}

/** Sleeps until the reminder is due, then reminds if the approval still waits. */
export async function approvalReminder(input: ApprovalReminderInput): Promise<void> {
  const wait = Date.parse(input.remindAt) - Date.now();
  if (wait > 0) await sleep(wait);
  await bookkeeping.remindOfApproval(input.approvalId);
}
