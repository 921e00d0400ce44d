/**
 * Zendesk's side of its event webhooks: when a ticket changes, the account posts one
 * `zen:event-type:ticket.*` event to the webhook's endpoint the way Zendesk does — compact JSON,
 * ids as strings, statuses in capitals, signed with base64 HMAC-SHA256 under the webhook's signing
 * secret over the timestamp header and the body. A failed post is not retried here, so tests can
 * show the incremental export filling the gap it leaves.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { SimTicket, TicketChanges } from './help-desk';

export const SIGNATURE_HEADER = 'X-Zendesk-Webhook-Signature';
export const TIMESTAMP_HEADER = 'X-Zendesk-Webhook-Signature-Timestamp';

export interface WebhookTarget {
  url: string;
  signingSecret: string;
}

export interface WebhookDelivery {
  ticketId: number;
  eventId: string;
  type: string;
  /** When the ticket changed (ms). */
  changedAt: number;
  /** The endpoint's status; null when it could not be reached. */
  status: number | null;
}

const ACCOUNT_ID = 10_000_001;
const upper = (value: string | null): string | null => (value === null ? null : value.toUpperCase());
const idText = (id: number | null): string | null => (id === null ? null : String(id));

/** The event type Zendesk sends for a change: the first field changed names it. */
export function eventTypeOf(changes: TicketChanges | 'created'): string {
  if (changes === 'created') return 'zen:event-type:ticket.created';
  const [field = 'status'] = Object.keys(changes);
  return `zen:event-type:ticket.${field}_changed`;
}

/** The request body Zendesk posts for a ticket event, `detail` the ticket as it now stands. */
export function ticketEventBody(ticket: SimTicket, type: string, eventId: string, at: Date): string {
  return JSON.stringify({
    account_id: ACCOUNT_ID,
    detail: {
      actor_id: idText(ticket.assignee_id),
      assignee_id: idText(ticket.assignee_id),
      created_at: ticket.created_at,
      description: ticket.description,
      group_id: idText(ticket.group_id),
      id: String(ticket.id),
      is_public: true,
      organization_id: idText(ticket.organization_id),
      priority: upper(ticket.priority),
      requester_id: String(ticket.requester_id),
      status: upper(ticket.status),
      subject: ticket.subject,
      submitter_id: String(ticket.requester_id),
      tags: ticket.tags,
      type: upper(ticket.type),
      updated_at: ticket.updated_at,
      via: { channel: ticket.via.channel },
    },
    event: {},
    id: eventId,
    subject: `zen:ticket:${ticket.id}`,
    time: at.toISOString(),
    type,
    zendesk_event_version: '2022-11-06',
  });
}

export const signBody = (secret: string, timestamp: string, body: string): string =>
  createHmac('sha256', secret)
    .update(timestamp + body)
    .digest('base64');

export class WebhookSender {
  private target: WebhookTarget | null = null;
  private readonly log: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  /** Where ticket events go from now on; null stops them. */
  sendTo(target: WebhookTarget | null): void {
    this.target = target;
  }

  /** Posts the event of one change, without waiting for the answer. */
  notify(ticket: SimTicket, type: string): void {
    const target = this.target;
    if (!target) return;
    const changedAt = Date.now();
    const eventId = randomUUID();
    const body = ticketEventBody(ticket, type, eventId, new Date(changedAt));
    const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Zendesk Webhook',
      [SIGNATURE_HEADER]: signBody(target.signingSecret, timestamp, body),
      [TIMESTAMP_HEADER]: timestamp,
    };
    const record = (status: number | null): void => void this.log.push({ ticketId: ticket.id, eventId, type, changedAt, status });
    const posting = fetch(target.url, { method: 'POST', headers, body }).then(
      async (response) => {
        await response.arrayBuffer();
        record(response.status);
      },
      () => record(null),
    );
    this.inFlight.add(posting);
    void posting.finally(() => this.inFlight.delete(posting));
  }

  deliveries(): WebhookDelivery[] {
    return [...this.log];
  }

  /** Resolves once every post sent so far is answered. */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
