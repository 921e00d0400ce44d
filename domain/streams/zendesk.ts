/**
 * Zendesk Support tickets (FR-3), read through the cursor-based incremental ticket export. The
 * export's position is Zendesk's opaque `after_cursor`, so the plug-in checkpoints it on every page
 * instead of deriving the position from rows: a ticket updated during an export appears again on a
 * later page, and the load keeps its latest version. Workflow-safe.
 */
import { z } from 'zod';
import type { SourceTraits } from '../sources';
import type { StreamColumn, StreamDefinition } from './types';

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
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** The agent the API token belongs to; Zendesk authenticates `{email}/token:{apiToken}`. */
    email: z.email({ error: 'must be the email address of the Zendesk agent that owns the API token' }),
    apiToken: z.string().min(1),
    /** When the API token was created: it must be rotated every 30 days. */
    apiTokenIssuedAt: isoDate,
    sentimentByStatus: sentimentByStatusSchema.prefault({}),
    /** Tickets per export page (Zendesk: at most 1000). */
    pageSize: z.number().int().min(1).max(1000).default(1000),
    streams: z.array(z.enum(ZENDESK_STREAM_NAMES)).min(1).default([...ZENDESK_STREAM_NAMES]),
    /** Rows per staged batch file. */
    batchSize: z.number().int().min(100).max(200_000).default(10_000),
  })
  .superRefine((config, ctx) => {
    if ((config.subdomain === undefined) === (config.baseUrl === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['subdomain'], message: 'give exactly one of subdomain and baseUrl' });
    }
  });

/** The account's API root, without a trailing slash. */
export function zendeskBaseUrl(config: { subdomain?: string | undefined; baseUrl?: string | undefined }): string {
  const base = config.baseUrl ?? `https://${config.subdomain ?? ''}.zendesk.com`;
  return base.replace(/\/+$/, '');
}

// ---------------------------------------------------------------------------------------------
// API token rotation

const DAY_MS = 86_400_000;
/** FR-3: the API token is rotated every 30 days. */
export const TOKEN_ROTATION_DAYS = 30;
/** From this age on, the scheduled check alerts so the token is rotated before the connector stops. */
export const TOKEN_ROTATION_WARNING_DAYS = 25;

export interface TokenRotationStatus {
  /** Whole days since the token was issued. */
  ageDays: number;
  /** The token is 30 days old or more: the connector stops until it is rotated. */
  due: boolean;
  /** The token is 25 days old or more: time to rotate it. */
  warn: boolean;
  /** When rotation falls due, ISO-8601. */
  dueAt: string;
}

/** Pure, so both the extract and the scheduled check (and a workflow) judge the token alike. */
export function tokenRotationStatus(issuedAt: string, now: Date): TokenRotationStatus {
  const issued = Date.parse(issuedAt);
  if (Number.isNaN(issued)) throw new Error(`apiTokenIssuedAt: ${issuedAt} is not an ISO-8601 date`);
  const ageDays = Math.floor((now.getTime() - issued) / DAY_MS);
  return {
    ageDays,
    due: ageDays >= TOKEN_ROTATION_DAYS,
    warn: ageDays >= TOKEN_ROTATION_WARNING_DAYS,
    dueAt: new Date(issued + TOKEN_ROTATION_DAYS * DAY_MS).toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Streams

const col = (name: string, type: StreamColumn['type'], personal = false): StreamColumn =>
  personal ? { name, type, personal } : { name, type };

export const zendeskStreams: Record<ZendeskStreamName, StreamDefinition> = {
  tickets: {
    name: 'tickets',
    table: 'zendesk_tickets',
    primaryKey: 'id',
    cursorColumn: 'updated_at',
    deletedColumn: 'is_deleted',
    columns: [
      col('id', 'integer'),
      col('created_at', 'timestamp'),
      col('updated_at', 'timestamp'),
      col('status', 'string'),
      // Derived from status through the connector's sentimentByStatus table.
      col('sentiment_score', 'number'),
      col('is_deleted', 'boolean'),
      // Free text written by the customer: it often carries names and order numbers.
      col('subject', 'string', true),
      col('priority', 'string'),
      col('ticket_type', 'string'),
      col('channel', 'string'),
      col('requester_id', 'integer'),
      // From the export's sideloaded users.
      col('requester_email', 'string', true),
      col('requester_name', 'string', true),
      col('assignee_id', 'integer'),
      col('group_id', 'integer'),
      col('organization_id', 'integer'),
      col('tags', 'json'),
      col('satisfaction', 'string'),
    ],
  },
};

/**
 * FR-3: at most 100 requests per second. Every minute by default: FR-3 asks for tickets within 2 s,
 * but the export leaves out tickets changed in the last minute, so polling more often than that
 * spends requests without bringing any ticket sooner.
 */
export const zendeskTraits: SourceTraits = {
  title: 'Zendesk tickets',
  rateLimit: { requests: 100, perSeconds: 1 },
  defaultSchedule: '1m',
};
