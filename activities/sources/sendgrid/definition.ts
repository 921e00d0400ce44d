/**
 * SendGrid's Event Webhook as a source: SendGrid pushes arrays of events, the API verifies and keeps
 * them in the inbox, and the drain reads the inbox in arrival order. One stream, `events`, keyed by
 * sg_event_id (SendGrid's own id, the one it repeats on a redelivery). Workflow-safe.
 */
import { z } from 'zod';
import type { StreamDefinition } from '../../../domain/streams/types';
import { batchSizeSchema, column, streamChoice, type SourceDefinition } from '../definition';
import eventsSuite from './suites/events.json';

export const SENDGRID_STREAM_NAMES = ['events'] as const;
export type SendgridStreamName = (typeof SENDGRID_STREAM_NAMES)[number];

/**
 * The key SendGrid shows under Settings › Mail Settings › Signed Event Webhook: base64 DER of a P-256
 * SubjectPublicKeyInfo. Every such key starts with the same algorithm header, so a key of another
 * curve or a truncated paste is caught when the connector is saved, not at the first event.
 */
const P256_SPKI_BASE64 = /^MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE[A-Za-z0-9+/]{86}[A-Za-z0-9+/=]{2}$/;

/** Drops PEM armour and line breaks: SendGrid's UI shows bare base64, people paste either. */
export const normalisePublicKey = (key: string): string => key.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

export const sendgridSourceSchema = z
  .object({
    kind: z.literal('sendgrid'),
    /** Verification key of the signed Event Webhook. */
    publicKey: z
      .string()
      .refine(
        (key) => P256_SPKI_BASE64.test(normalisePublicKey(key)),
        'must be the base64 P-256 public key SendGrid shows (it starts MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE)',
      )
      .optional(),
    /** Accept requests without a signature. Only for accounts that cannot enable signing: anyone who knows the URL can post. */
    allowUnsigned: z.boolean().default(false),
    streams: streamChoice(SENDGRID_STREAM_NAMES),
    batchSize: batchSizeSchema,
  })
  .refine((source) => source.publicKey !== undefined || source.allowUnsigned, {
    path: ['publicKey'],
    message: 'is required unless allowUnsigned is true: copy it from SendGrid under Settings › Mail Settings › Signed Event Webhook',
  });

export type SendgridSourceConfig = z.infer<typeof sendgridSourceSchema>;

/** One warehouse row per SendGrid event; fields an event type does not carry stay null. */
export const sendgridStreams: Record<SendgridStreamName, StreamDefinition> = {
  events: {
    name: 'events',
    table: 'sendgrid_events',
    primaryKey: 'sg_event_id',
    // When the inbox took the event: the drain reads in inbox order and checkpoints the inbox position.
    cursorColumn: 'received_at',
    columns: [
      column('sg_event_id', 'string'),
      column('event', 'string'),
      column('email', 'string', undefined, true),
      column('event_time', 'timestamp', 'timestamp'),
      column('received_at', 'timestamp'),
      column('age_at_receipt_seconds', 'integer'),
      column('sg_message_id', 'string'),
      column('smtp_id', 'string', 'smtp-id'),
      column('category', 'json'),
      column('url', 'string'),
      column('reason', 'string'),
      column('status', 'string'),
      column('response', 'string'),
      column('attempt', 'integer'),
      column('bounce_type', 'string', 'type'),
      column('bounce_classification', 'string'),
      column('ip', 'string', undefined, true),
      column('useragent', 'string'),
      column('tls', 'boolean'),
      column('sg_machine_open', 'boolean'),
      column('asm_group_id', 'integer'),
      column('marketing_campaign_id', 'string'),
      column('marketing_campaign_name', 'string'),
      column('custom_args', 'json'),
    ],
  },
};

/** Push, not poll: no API calls to limit and no schedule; a webhook wakes the drain. */
export const sendgridDefinition = {
  kind: 'sendgrid',
  title: 'SendGrid Event Webhook',
  config: sendgridSourceSchema,
  streams: sendgridStreams,
  suites: { events: eventsSuite },
  rateLimit: null,
  defaultSchedule: null,
} satisfies SourceDefinition<'sendgrid', SendgridStreamName>;
