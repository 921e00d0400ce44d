/**
 * Realistic SendGrid events: messages go processed → delivered → open → click, with the usual share
 * of deferrals, bounces, drops, spam reports and unsubscribes, each event type with the fields
 * SendGrid gives it (reference/protocols.md §5). Seeded, so a test sees the same mix every run.
 * Addresses are on example domains: no real person's data.
 */
import { Random } from '../salesforce/random';

export type SimulatedEvent = Record<string, unknown> & { sg_event_id: string; email: string; timestamp: number; event: string };

export interface EventMixOptions {
  seed?: number;
  /** The instant events are stamped relative to: each within the hour before it. */
  now?: Date;
  /** Share of events stamped 25 to 72 hours old: SendGrid retrying a delivery for too long. */
  staleShare?: number;
}

const DOMAINS = ['example.com', 'example.org', 'example.net'] as const;
const CATEGORIES = ['newsletter', 'promo-spring', 'onboarding', 'receipt'] as const;
const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4)',
] as const;
type BounceFields = Readonly<Record<'type' | 'status' | 'reason' | 'bounce_classification', string>>;
const BOUNCES: readonly [BounceFields, ...BounceFields[]] = [
  {
    type: 'bounce',
    status: '5.1.1',
    reason: '550 5.1.1 The email account that you tried to reach does not exist',
    bounce_classification: 'Invalid Address',
  },
  { type: 'blocked', status: '5.7.1', reason: '554 5.7.1 Message rejected as spam', bounce_classification: 'Content' },
];

/** The events one message produces, in order. */
function messageEvents(random: Random, base: Record<string, unknown>): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [{ ...base, event: 'processed', pool: { name: 'main', id: 210 }, send_at: 0 }];
  const fate = random.next();
  if (fate < 0.03) return [...events, { ...base, event: 'dropped', reason: 'Unsubscribed Address', status: '5.0.0' }];
  if (fate < 0.08) return [...events, { ...base, event: 'bounce', ...random.pick(BOUNCES), ip: '168.1.1.1', tls: 1 }];
  if (random.chance(0.1)) events.push({ ...base, event: 'deferred', response: '400 try again later', attempt: String(random.int(1, 5)) });
  events.push({ ...base, event: 'delivered', response: '250 OK', ip: '168.1.1.1', tls: 1 });
  if (random.chance(0.45)) {
    events.push({
      ...base,
      event: 'open',
      useragent: random.pick(AGENTS),
      ip: `203.0.113.${random.int(1, 254)}`,
      sg_machine_open: random.chance(0.3),
    });
    if (random.chance(0.4)) {
      events.push({
        ...base,
        event: 'click',
        url: `https://shop.example.com/spring?c=${random.int(1, 99)}`,
        url_offset: { index: 0, type: 'html' },
        useragent: random.pick(AGENTS),
        ip: `203.0.113.${random.int(1, 254)}`,
      });
    }
  }
  if (random.chance(0.02)) events.push({ ...base, event: 'spamreport' });
  else if (random.chance(0.03)) events.push({ ...base, event: 'group_unsubscribe', asm_group_id: 42 });
  return events;
}

/** `count` events of whole messages (the last message may be cut short), ascending in time. */
export function generateSendgridEvents(count: number, options: EventMixOptions = {}): SimulatedEvent[] {
  const random = new Random(options.seed ?? 7);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const staleShare = options.staleShare ?? 0;
  const events: SimulatedEvent[] = [];
  for (let message = 0; events.length < count; message += 1) {
    const messageId = `msg${options.seed ?? 7}x${message}.filter0001p1las1-1234-5678-1.0`;
    const base = {
      email: `reader${random.int(1, 5_000)}@${random.pick(DOMAINS)}`,
      'smtp-id': `<${messageId}@ismtpd0001p1las1.sendgrid.net>`,
      sg_message_id: messageId,
      category: random.chance(0.5) ? random.pick(CATEGORIES) : [random.pick(CATEGORIES), 'marketing'],
      marketing_campaign_id: 12_000 + random.int(0, 20),
      marketing_campaign_name: 'Spring launch',
      customer_tier: random.pick(['gold', 'silver', 'bronze'] as const),
    };
    const stale = random.chance(staleShare);
    let at = stale ? now - random.int(25 * 3600, 72 * 3600) : now - random.int(60, 3600);
    for (const event of messageEvents(random, base)) {
      if (events.length >= count) break;
      at += random.int(0, 30);
      events.push({
        ...event,
        timestamp: Math.min(at, now),
        sg_event_id: `sgev-${options.seed ?? 7}-${events.length}-${random.int(0, 1e9).toString(36)}`,
        email: base.email,
        event: String(event.event),
      });
    }
  }
  return events;
}

/** A copy of the events with one field removed from the event at `index`: a malformed delivery. */
export function withoutField(events: readonly SimulatedEvent[], index: number, field: keyof SimulatedEvent): Record<string, unknown>[] {
  return events.map((event, i) => {
    if (i !== index) return event;
    const { [field]: _removed, ...rest } = event;
    return rest;
  });
}
