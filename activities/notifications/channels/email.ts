/**
 * Email over SMTP with nodemailer: the title as the subject, the lines and the link as plain text.
 * The Message-ID is made from the event and channel, so a mail server or client can tell a resend
 * of the same notification from a new one.
 */
import nodemailer from 'nodemailer';
import type { NotificationMessage, NotificationTarget } from '../../../domain/notifications';
import { ConnectorError } from '../../errors';

type EmailTarget = Extract<NotificationTarget, { kind: 'email' }>;

export const emailSubject = (message: NotificationMessage): string => `[Insight Hub] ${message.title}`;

function bodyOf(message: NotificationMessage): string {
  const lines = [message.text, ''];
  if (message.link) lines.push(`Open: ${message.link}`);
  if (message.action) lines.push(`Decide through the API: ${message.action.method} ${message.action.url}`);
  lines.push('', `Event ${message.eventId} (${message.kind}) at ${message.occurredAt}.`);
  return lines.join('\n');
}

export async function sendEmail(target: EmailTarget, message: NotificationMessage, channelId: string): Promise<void> {
  const { smtp } = target;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'plain',
    ...(smtp.username ? { auth: { user: smtp.username, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({
      from: target.from,
      to: target.to,
      subject: emailSubject(message),
      text: bodyOf(message),
      messageId: `<${message.eventId}.${channelId}@insight-hub>`,
    });
  } catch (error) {
    // nodemailer's responseCode: 5xx is a permanent refusal (unknown mailbox, bad login); the rest may mend.
    const code = typeof error === 'object' && error !== null && 'responseCode' in error ? Number(error.responseCode) : NaN;
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConnectorError(code >= 500 && code < 600 ? 'config' : 'transient', `the SMTP server refused the mail: ${detail}`);
  } finally {
    transport.close();
  }
}
