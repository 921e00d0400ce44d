/**
 * Slack's incoming-webhook format: `text` (the fallback every client shows) and Block Kit blocks:
 * the title as a header, the lines in mrkdwn, and a button to the page where one decides or looks.
 */
import type { NotificationMessage } from '../../../domain/notifications';
import { postJson } from './http-post';

/** Slack's mrkdwn treats these three as markup; anything else passes as it is. */
const escaped = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackPayload(message: NotificationMessage): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: message.title.slice(0, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: escaped(message.text).slice(0, 3_000) } },
  ];
  if (message.link) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Insight Hub' }, url: message.link }],
    });
  }
  return { text: `${message.title}${message.link ? ` — ${message.link}` : ''}`, blocks };
}

export async function sendSlack(target: { webhookUrl: string }, message: NotificationMessage): Promise<void> {
  await postJson(target.webhookUrl, JSON.stringify(slackPayload(message)));
}
