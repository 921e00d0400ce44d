/**
 * The SendGrid source reads no API: the webhook route has already verified and stored the events in
 * the inbox, and this plug-in pages through it in arrival order (activities/sources/inbox-pages.ts).
 */
import { ConnectorError } from '../../errors';
import { MAX_INBOX_READ, type InboxEvent } from '../../store/inbox';
import { readInboxPage, type InboxReader } from '../inbox-pages';
import { streamNamed, type Row, type SourcePage, type SourcePlugin } from '../types';
import { sendgridStreams, type SendgridSourceConfig } from './definition';
import { KNOWN_EVENT_FIELDS, sendgridEventSchema, type SendgridEvent } from './events';
import { ageAtReceiptSeconds } from './freshness';

const text = (value: string | number | undefined): string | null => (value === undefined ? null : String(value));

/** Keys SendGrid passes through from the sender (unique_args, custom_args) as one JSON object. */
function customArgs(event: SendgridEvent): Record<string, unknown> | null {
  const entries = Object.entries(event).filter(([key]) => !KNOWN_EVENT_FIELDS.has(key));
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

/** One inbox event → one row of sendgrid_events. Pure; a field the event lacks is null. */
export function mapInboxEvent(stored: InboxEvent): Row {
  const parsed = sendgridEventSchema.safeParse(stored.payload);
  if (!parsed.success) {
    // The route validated it on the way in: a failure here is a schema change between versions.
    throw new ConnectorError(
      'data',
      `inbox event ${stored.seq} no longer passes the SendGrid event schema: ${parsed.error.issues[0]?.path.join('.') ?? 'payload'}`,
    );
  }
  const event = parsed.data;
  return {
    sg_event_id: event.sg_event_id,
    event: event.event,
    email: event.email,
    event_time: new Date(event.timestamp * 1000).toISOString(),
    received_at: stored.receivedAt,
    age_at_receipt_seconds: ageAtReceiptSeconds(event.timestamp, new Date(stored.receivedAt)),
    sg_message_id: text(event.sg_message_id),
    smtp_id: text(event['smtp-id']),
    category: event.category === undefined ? null : typeof event.category === 'string' ? [event.category] : event.category,
    url: text(event.url),
    reason: text(event.reason),
    status: text(event.status),
    response: text(event.response),
    attempt: event.attempt ?? null,
    bounce_type: text(event.type),
    bounce_classification: text(event.bounce_classification),
    ip: text(event.ip),
    useragent: text(event.useragent),
    tls: event.tls ?? null,
    sg_machine_open: event.sg_machine_open ?? null,
    asm_group_id: event.asm_group_id ?? null,
    marketing_campaign_id: text(event.marketing_campaign_id),
    marketing_campaign_name: text(event.marketing_campaign_name),
    custom_args: customArgs(event),
  };
}

export type { InboxReader };

export function createSendgridSource(inbox: InboxReader): SourcePlugin<SendgridSourceConfig> {
  return {
    kind: 'sendgrid',
    streams: sendgridStreams,
    async readPage(config, stream, request, signal): Promise<SourcePage> {
      streamNamed(sendgridStreams, stream, 'SendGrid');
      signal.throwIfAborted();
      // SendGrid's events are small (a few hundred bytes): a page may hold the most one inbox read returns.
      const paging = { stream: 'SendGrid events', batchSize: config.batchSize, largestPage: MAX_INBOX_READ };
      return readInboxPage(inbox, request, paging, mapInboxEvent);
    },
  };
}
