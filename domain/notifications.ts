/**
 * Notifications: the events that need a person, the channels a user sends them through, and what a
 * sent message says. One zod schema per shape is the type, the API's validation and its OpenAPI
 * description. Workflow-safe.
 */
import { z } from 'zod';
import { httpUrlSchema } from './http-url';
import { refuseRedactionMarkers } from './redaction';

/** What a person is told about, each raised once per occurrence (activities/notifications/messages.ts). */
export const NOTIFICATION_KINDS = [
  'approval.requested',
  'approval.reminder',
  'approval.timed-out',
  'batch.blocked',
  'cycle.failing',
  'api-usage.high',
  'compliance.alert',
  'credential.expiring',
  'erasure.completed',
] as const;
export const notificationKindSchema = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Where a channel posts: https, or plain http to this machine only (a receiver on the same host, a test). */
const receiverUrlSchema = httpUrlSchema.refine((text) => {
  // Runs after a failed URL check too (zod reports every issue): a text that is no URL is that issue alone.
  if (!URL.canParse(text)) return true;
  const url = new URL(text);
  return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
}, 'must be https (plain http only to a loopback address): messages and their signatures must not travel in the clear');

export const webhookTargetSchema = z.object({
  kind: z.literal('webhook'),
  url: receiverUrlSchema,
  /** HMAC-SHA256 key of the signature header; a secret: sealed at rest, redacted on GET. */
  signingSecret: z.string().min(32, 'must be at least 32 characters: a shorter HMAC key can be guessed offline').max(512),
});

export const slackTargetSchema = z.object({
  kind: z.literal('slack'),
  /** A Slack incoming-webhook URL: whoever holds it can post to the channel, so it is a secret. */
  webhookUrl: receiverUrlSchema,
});

export const emailTargetSchema = z
  .object({
    kind: z.literal('email'),
    from: z.email({ error: 'must be an email address' }),
    to: z
      .array(z.email({ error: 'must be an email address' }))
      .min(1, 'must name at least one recipient')
      .max(50),
    smtp: z.object({
      host: z.string().min(1).max(255),
      port: z.number().int().min(1).max(65_535),
      /** `tls`: TLS from the first byte (port 465); `starttls`: upgraded, required; `plain`: none. */
      security: z.enum(['tls', 'starttls', 'plain']).default('starttls'),
      username: z.string().min(1).max(255).optional(),
      /** A secret: sealed at rest, redacted on GET. */
      password: z.string().min(1).max(1_024).optional(),
    }),
  })
  .refine(({ smtp }) => smtp.security !== 'plain' || smtp.password === undefined || LOOPBACK_HOSTS.has(smtp.host), {
    path: ['smtp', 'security'],
    message: 'must be tls or starttls when a password is sent to a server other than this machine',
  });

export const notificationTargetSchema = z
  .discriminatedUnion('kind', [webhookTargetSchema, slackTargetSchema, emailTargetSchema])
  .superRefine(refuseRedactionMarkers);
export type NotificationTarget = z.infer<typeof notificationTargetSchema>;
export type NotificationChannelKind = NotificationTarget['kind'];

export const notificationChannelBodySchema = z.object({
  name: z.string().min(1).max(200),
  /** Events of this connector only; null: every connector's, and the platform's own (retention, erasure). */
  connectorId: z.uuid({ error: 'must be a UUID' }).nullable().default(null),
  events: z
    .array(notificationKindSchema)
    .min(1, 'must name at least one event')
    .default([...NOTIFICATION_KINDS]),
  enabled: z.boolean().default(true),
  target: notificationTargetSchema,
});
export type NotificationChannelBody = z.infer<typeof notificationChannelBodySchema>;

export interface NotificationChannel extends NotificationChannelBody {
  id: string;
  createdAt: string;
  updatedAt: string;
}

/** A decision a reader can make at once: the API call, ready to send with a manager's credential. */
export const notificationActionSchema = z.object({
  method: z.literal('POST'),
  url: z.string(),
  body: z.record(z.string(), z.unknown()),
});

/** What every channel sends, rendered once when the event is raised; it names no person and no secret. */
export const notificationMessageSchema = z.object({
  eventId: z.string(),
  kind: notificationKindSchema,
  /** Null for the platform's own events. */
  connectorId: z.string().nullable(),
  title: z.string(),
  text: z.string(),
  /** Where to look or decide (the dashboard), when there is a page for it. */
  link: z.string().nullable(),
  action: notificationActionSchema.nullable(),
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  occurredAt: z.string(),
});
export type NotificationMessage = z.infer<typeof notificationMessageSchema>;

export const DELIVERY_STATUSES = ['sending', 'sent', 'failing', 'failed'] as const;
export const deliveryStatusSchema = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

/** The workflow that sends one event to its channels: one per event, so a raised event is sent once. */
export const notificationWorkflowId = (eventId: string): string => `notification/${eventId}`;

/** The workflow that reminds of one approval before its timeout. */
export const approvalReminderWorkflowId = (approvalId: string): string => `approval-reminder/${approvalId}`;

/** How long before an approval's deadline its reminder goes out, at most. */
export const APPROVAL_REMINDER_LEAD_MS = 60 * 60_000;

/**
 * When to remind: an hour before the deadline, or a quarter of the wait before it when the whole wait
 * is shorter than four hours, so a short timeout still leaves time to decide after the reminder.
 */
export function approvalReminderAt(openedAt: string, deadline: string): string {
  const end = Date.parse(deadline);
  const lead = Math.min(APPROVAL_REMINDER_LEAD_MS, (end - Date.parse(openedAt)) / 4);
  return new Date(end - Math.max(0, lead)).toISOString();
}

/** Consecutive failed cycles of a connector that raise `cycle.failing`. */
export const FAILING_CYCLES_IN_A_ROW = 3;

export const NOTIFICATION_DELIVERY_WORKFLOW = 'notificationDelivery';
export const APPROVAL_REMINDER_WORKFLOW = 'approvalReminder';

export interface ApprovalReminderInput {
  approvalId: string;
  remindAt: string;
}

/** The API's address in the demo, when no public URL is set. */
export const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:3000';
