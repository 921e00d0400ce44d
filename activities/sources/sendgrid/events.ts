/**
 * What a SendGrid Event Webhook body must be: a JSON array of events, each with the fields every
 * event carries (email, timestamp, event, sg_event_id). Optional fields are checked for their type
 * too, so that whatever is accepted maps to a warehouse row without a surprise at drain time. An
 * unknown event type is accepted (SendGrid adds types): the expectation suite quarantines it. Its id
 * and address are the inbox's own schemas, so an event accepted here is one the inbox takes as it is.
 */
import { z } from 'zod';
import { inboxEventIdSchema, inboxSubjectEmailSchema } from '../../store/inbox';

const text = z.string().max(10_000, 'must be at most 10,000 characters');
/** SendGrid writes some numbers as strings ("attempt": "1") and some flags as 0/1. */
const integerLike = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number),
]);
const flag = z.union([z.boolean(), z.literal(0).transform(() => false), z.literal(1).transform(() => true)]);

export const sendgridEventSchema = z.looseObject({
  email: inboxSubjectEmailSchema.min(3, 'must be an email address'),
  /** Unix seconds. */
  timestamp: z.number().int('must be whole Unix seconds').positive('must be Unix seconds after 1970'),
  event: z.string().min(1, 'must name the event type').max(50),
  sg_event_id: inboxEventIdSchema,
  sg_message_id: text.optional(),
  'smtp-id': text.optional(),
  category: z.union([text, z.array(text)]).optional(),
  url: text.optional(),
  reason: text.optional(),
  status: text.optional(),
  response: text.optional(),
  attempt: integerLike.optional(),
  type: text.optional(),
  bounce_classification: text.optional(),
  ip: text.optional(),
  useragent: text.optional(),
  tls: flag.optional(),
  sg_machine_open: flag.optional(),
  asm_group_id: integerLike.optional(),
  marketing_campaign_id: z.union([text, z.number().int()]).optional(),
  marketing_campaign_name: text.optional(),
});
export type SendgridEvent = z.infer<typeof sendgridEventSchema>;

/** SendGrid batches events; its batches stay far below this, so a bigger array is not SendGrid's. */
export const MAX_EVENTS_PER_REQUEST = 10_000;

export const sendgridEventArraySchema = z
  .array(sendgridEventSchema, { error: 'must be a JSON array of events' })
  .min(1, 'must hold at least one event')
  .max(MAX_EVENTS_PER_REQUEST, `must hold at most ${MAX_EVENTS_PER_REQUEST} events`);

/** The fields this stream knows by name; any other top-level key is a custom argument. */
export const KNOWN_EVENT_FIELDS: ReadonlySet<string> = new Set([
  ...Object.keys(sendgridEventSchema.shape),
  'url_offset',
  'pool',
  'send_at',
  'sg_template_id',
  'sg_template_name',
  'sg_content_type',
]);
