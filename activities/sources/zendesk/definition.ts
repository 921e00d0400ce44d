/**
 * Zendesk Support tickets (FR-3), read through the cursor-based incremental ticket export. The
 * export's position is Zendesk's opaque `after_cursor`, so the plug-in checkpoints it on every page
 * instead of deriving the position from rows: a ticket updated during an export appears again on a
 * later page, and the load keeps its latest version. Workflow-safe.
 */
import { z } from 'zod';
import { httpUrlSchema } from '../../../domain/http-url';
import type { StreamDefinition } from '../../../domain/streams/types';
import { batchSizeSchema, column, streamChoice, type SourceDefinition } from '../definition';
import ticketsSuite from './suites/tickets.json';

export const ZENDESK_STREAM_NAMES = ['tickets'] as const;
export type ZendeskStreamName = (typeof ZENDESK_STREAM_NAMES)[number];

/** Every status category a ticket can be in; custom statuses all belong to one of these. */
export const ZENDESK_TICKET_STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted'] as const;
export type ZendeskTicketStatus = (typeof ZENDESK_TICKET_STATUSES)[number];

const sentimentScore = z.number().min(-1).max(1).nullable();

/**
 * What a ticket's status says about the customer's experience, on the -1..1 sentiment scale the
 * other sources use. Defaults, and why:
 * - new 0: nobody has answered yet, nothing is known;
 * - open -0.25: the customer is waiting on the support team;
 * - pending 0: the team has answered and waits on the customer;
 * - hold -0.5: blocked on a third party, the longest waits, where frustration builds;
 * - solved 1 and closed 1: the issue is resolved (closed is a solved ticket past its reopen window);
 * - deleted null: spam and duplicates say nothing about a customer; null, unlike 0, does not pull
 *   averages towards neutral.
 * A status missing from the table (a status Zendesk does not document) maps to null.
 */
export const sentimentByStatusSchema = z.strictObject({
  new: sentimentScore.default(0),
  open: sentimentScore.default(-0.25),
  pending: sentimentScore.default(0),
  hold: sentimentScore.default(-0.5),
  solved: sentimentScore.default(1),
  closed: sentimentScore.default(1),
  deleted: sentimentScore.default(null),
});
export type SentimentByStatus = z.infer<typeof sentimentByStatusSchema>;

const isoDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'must be an ISO-8601 date or datetime, e.g. 2025-01-31',
});

export const zendeskSourceSchema = z
  .object({
    kind: z.literal('zendesk'),
    /** `acme` for https://acme.zendesk.com; or give baseUrl instead. */
    subdomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be the subdomain only, e.g. acme for acme.zendesk.com')
      .optional(),
    /** The account's URL, when it is not https://<subdomain>.zendesk.com (a proxy, the simulator). */
    baseUrl: httpUrlSchema.optional(),
    /** The agent the API token belongs to; Zendesk authenticates `{email}/token:{apiToken}`. */
    email: z.email({ error: 'must be the email address of the Zendesk agent that owns the API token' }),
    apiToken: z.string().min(1),
    /** When the API token was created: it must be rotated every 30 days. */
    apiTokenIssuedAt: isoDate,
    /**
     * The signing secret of the Zendesk webhook that posts ticket events to
     * /api/v1/webhooks/zendesk/<connector id> (Admin Center › Apps and integrations › Webhooks ›
     * the webhook › Reveal secret); without it the endpoint refuses every request and tickets come
     * through the export alone.
     */
    signingSecret: z.string().min(16, 'must be the webhook signing secret Zendesk shows').max(512).optional(),
    sentimentByStatus: sentimentByStatusSchema.prefault({}),
    /** Tickets per export page (Zendesk: at most 1000). */
    pageSize: z.number().int().min(1).max(1000).default(1000),
    streams: streamChoice(ZENDESK_STREAM_NAMES),
    batchSize: batchSizeSchema,
  })
  .superRefine((config, ctx) => {
    if ((config.subdomain === undefined) === (config.baseUrl === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['subdomain'], message: 'give exactly one of subdomain and baseUrl' });
    }
  });

export type ZendeskSourceConfig = z.infer<typeof zendeskSourceSchema>;

/** The account's API root, without a trailing slash. */
export function zendeskBaseUrl(config: { subdomain?: string | undefined; baseUrl?: string | undefined }): string {
  const base = config.baseUrl ?? `https://${config.subdomain ?? ''}.zendesk.com`;
  return base.replace(/\/+$/, '');
}

export const zendeskStreams: Record<ZendeskStreamName, StreamDefinition> = {
  tickets: {
    name: 'tickets',
    table: 'zendesk_tickets',
    primaryKey: 'id',
    cursorColumn: 'updated_at',
    deletedColumn: 'is_deleted',
    columns: [
      column('id', 'integer'),
      column('created_at', 'timestamp'),
      column('updated_at', 'timestamp'),
      column('status', 'string'),
      // Derived from status through the connector's sentimentByStatus table.
      column('sentiment_score', 'number'),
      column('is_deleted', 'boolean'),
      // Free text written by the customer: it often carries names and order numbers.
      column('subject', 'string', undefined, true),
      column('priority', 'string'),
      column('ticket_type', 'string'),
      column('channel', 'string'),
      column('requester_id', 'integer'),
      // From the export's sideloaded users.
      column('requester_email', 'string', undefined, true),
      column('requester_name', 'string', undefined, true),
      column('assignee_id', 'integer'),
      column('group_id', 'integer'),
      column('organization_id', 'integer'),
      column('tags', 'json'),
      column('satisfaction', 'string'),
    ],
  },
};

/**
 * FR-3: at most 100 requests per second. Tickets within 2 s come through the signed webhooks
 * (webhook-events.ts), drained from the inbox; the export, every minute by default, is the backstop
 * that fills any gap. It leaves out tickets changed in the last minute, so polling more often than
 * that spends requests without bringing any ticket sooner.
 */
export const zendeskDefinition = {
  kind: 'zendesk',
  title: 'Zendesk tickets',
  config: zendeskSourceSchema,
  streams: zendeskStreams,
  suites: { tickets: ticketsSuite },
  rateLimit: { requests: 100, perSeconds: 1 },
  defaultSchedule: '1m',
} satisfies SourceDefinition<'zendesk', ZendeskStreamName>;
