/** Sends a message through a channel, by its kind; the exhaustive switch makes the compiler report a kind without a sender. */
import type { NotificationChannel, NotificationMessage } from '../../../domain/notifications';
import { sendEmail } from './email';
import { sendSlack } from './slack';
import { sendWebhook } from './webhook';

export function send(channel: NotificationChannel, message: NotificationMessage, now: Date): Promise<void> {
  const { target } = channel;
  switch (target.kind) {
    case 'webhook':
      return sendWebhook(target, message, now);
    case 'slack':
      return sendSlack(target, message);
    case 'email':
      return sendEmail(target, message, channel.id);
  }
}
