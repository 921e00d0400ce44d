/**
 * The incremental export's wire format and its mapping to warehouse rows. Pure. Fields the API may
 * leave out or null stay null; a status outside the documented set is kept as sent (the quality gate
 * quarantines it) and gets no sentiment score.
 */
import { z } from 'zod';
import { ZENDESK_TICKET_STATUSES, type SentimentByStatus, type ZendeskTicketStatus } from './definition';
import type { Row } from '../types';

const optionalId = z.number().int().nullish();
const optionalText = z.string().nullish();

const ticketSchema = z.looseObject({
  id: z.number().int().positive(),
  created_at: optionalText,
  updated_at: optionalText,
  status: optionalText,
  subject: optionalText,
  priority: optionalText,
  type: optionalText,
  via: z.looseObject({ channel: z.union([z.string(), z.number()]).nullish() }).nullish(),
  requester_id: optionalId,
  assignee_id: optionalId,
  group_id: optionalId,
  organization_id: optionalId,
  tags: z.array(z.string()).nullish(),
  satisfaction_rating: z.looseObject({ score: optionalText }).nullish(),
});
export type ZendeskTicket = z.infer<typeof ticketSchema>;

const userSchema = z.looseObject({ id: z.number().int(), name: optionalText, email: optionalText });
export type ZendeskUser = z.infer<typeof userSchema>;

export const exportPageSchema = z.object({
  tickets: z.array(ticketSchema),
  /** Sideloaded with `include=users`. */
  users: z.array(userSchema).default([]),
  after_cursor: z.string().min(1),
  end_of_stream: z.boolean(),
});
export type ExportPage = z.infer<typeof exportPageSchema>;

/** ISO-8601 in UTC; an unreadable value is kept as sent so the timestamp rules quarantine it. */
function utcTimestamp(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? value : new Date(at).toISOString();
}

const DOCUMENTED_STATUSES: ReadonlySet<string> = new Set(ZENDESK_TICKET_STATUSES);
const isDocumentedStatus = (status: string): status is ZendeskTicketStatus => DOCUMENTED_STATUSES.has(status);

function sentimentOf(status: string | null, table: SentimentByStatus): number | null {
  return status !== null && isDocumentedStatus(status) ? table[status] : null;
}

export function mapTicket(ticket: ZendeskTicket, requester: ZendeskUser | undefined, table: SentimentByStatus): Row {
  const status = ticket.status ?? null;
  const channel = ticket.via?.channel;
  return {
    id: ticket.id,
    created_at: utcTimestamp(ticket.created_at),
    updated_at: utcTimestamp(ticket.updated_at),
    status,
    sentiment_score: sentimentOf(status, table),
    is_deleted: status === 'deleted',
    subject: ticket.subject ?? null,
    priority: ticket.priority ?? null,
    ticket_type: ticket.type ?? null,
    channel: channel === null || channel === undefined ? null : String(channel),
    requester_id: ticket.requester_id ?? null,
    requester_email: requester?.email ?? null,
    requester_name: requester?.name ?? null,
    assignee_id: ticket.assignee_id ?? null,
    group_id: ticket.group_id ?? null,
    organization_id: ticket.organization_id ?? null,
    tags: ticket.tags ?? null,
    satisfaction: ticket.satisfaction_rating?.score ?? null,
  };
}

/** Every ticket of a page, each with its requester from the page's sideloaded users. */
export function mapExportPage(page: ExportPage, table: SentimentByStatus): Row[] {
  const users = new Map(page.users.map((user) => [user.id, user]));
  return page.tickets.map((ticket) => mapTicket(ticket, ticket.requester_id == null ? undefined : users.get(ticket.requester_id), table));
}
