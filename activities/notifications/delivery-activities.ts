/**
 * The notification workflows' activities: which channels an event goes to, one delivery to one
 * channel, and an approval's reminder. A delivery is recorded in the log before and after it is
 * sent: one marked sent is never sent again by a retry; a failed attempt is counted with its error,
 * so a failing channel shows in GET /api/v1/notifications/deliveries while Temporal retries it. A
 * worker killed between the receiver's 2xx and the log's "sent" sends once more on the retry: the
 * event id travels with every delivery (the webhook's X-Insight-Hub-Event-Id, the mail's Message-ID)
 * so a receiver can tell.
 */
import { NON_RETRYABLE_CATEGORIES } from '../../domain/errors';
import { ConnectorError } from '../errors';
import type { Logger } from '../logger';
import { notificationDeliveries } from '../observability/metrics';
import { send } from './channels';
import type { Notifier, NotifierStore } from './notifier';

export interface NotificationActivityDeps {
  store: NotifierStore;
  notifier: Notifier;
  logger: Logger;
  now?: () => Date;
}

export type DeliveryResult = 'sent' | 'already-sent' | 'channel-deleted';

const isFinal = (error: unknown): boolean => error instanceof ConnectorError && NON_RETRYABLE_CATEGORIES.includes(error.category);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createNotificationActivities(deps: NotificationActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const { store, logger } = deps;

  return {
    /** The channels wanting the event now (a channel disabled or deleted since it was raised is left out). */
    async notificationChannelsOf(eventId: string): Promise<string[]> {
      const logged = await store.notificationLog.getEvent(eventId);
      if (!logged) throw new ConnectorError('data', `notification ${eventId} was never kept: nothing to send`);
      const { kind, connectorId } = logged.message;
      return (await store.notificationChannels.subscribedTo(kind, connectorId)).map((channel) => channel.id);
    },

    async deliverNotification(input: { eventId: string; channelId: string }): Promise<DeliveryResult> {
      const { eventId, channelId } = input;
      const logged = await store.notificationLog.getEvent(eventId);
      if (!logged) throw new ConnectorError('data', `notification ${eventId} was never kept: nothing to send`);
      const channel = await store.notificationChannels.get(channelId);
      if (!channel) return 'channel-deleted';
      const kind = channel.target.kind;
      if (!(await store.notificationLog.beginAttempt(eventId, channelId, kind))) return 'already-sent';
      try {
        await send(channel, logged.message, now());
      } catch (error) {
        const final = isFinal(error);
        await store.notificationLog.markFailed(eventId, channelId, messageOf(error), final);
        notificationDeliveries.inc({ channel: kind, outcome: 'failed' });
        logger.warn({ eventId, channelId, channel: kind, final, error: messageOf(error) }, 'notification not delivered');
        throw error;
      }
      await store.notificationLog.markSent(eventId, channelId, now().toISOString());
      notificationDeliveries.inc({ channel: kind, outcome: 'delivered' });
      logger.info({ eventId, channelId, channel: kind, kind: logged.message.kind }, 'notification delivered');
      return 'sent';
    },

    /** Retries are over (its time ran out): the log says failed, with the last error. */
    async giveUpDelivery(input: { eventId: string; channelId: string; error: string }): Promise<void> {
      await store.notificationLog.markFailed(input.eventId, input.channelId, input.error, true);
    },

    async remindOfApproval(approvalId: string): Promise<void> {
      await deps.notifier.remindOfApproval(approvalId);
    },
  };
}
