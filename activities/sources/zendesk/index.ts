/**
 * The Zendesk tickets source (FR-3): the cursor-based incremental ticket export, one request per
 * page. The export's after_cursor is the stream's position, checkpointed with every page; a
 * connector whose API token is past its 30-day rotation stops before spending a request. Ticket
 * events pushed by Zendesk's signed webhooks are read from the inbox in the webhook partition, under
 * a cursor of their own; both paths load the same table, where the latest version of a ticket wins.
 */
import { zendeskBaseUrl, zendeskStreams, type ZendeskSourceConfig } from './definition';
import { tokenRotationStatus } from './token-rotation';
import { ConnectorError } from '../../errors';
import { parseBody } from '../http-kit';
import { streamNamed, type PageRequest, type SourcePage, type SourcePlugin } from '../types';
import { EXPORT, requestExportPage } from './export-request';
import { exportPageSchema, mapExportPage } from './tickets';
import { readInboxPage, type InboxReader } from '../inbox-pages';
import { mapTicketEvent } from './webhook-events';

export type { ZendeskSourceConfig };

/** A new connector exports every ticket: from the epoch, which is more than a minute in the past. */
const EXPORT_FROM_START = 0;
/** An issued-at date up to a day ahead is a time-zone difference; further ahead, a typo. */
const MOST_DAYS_AHEAD = 1;

/** Refuses to call Zendesk with a token past its rotation, saying what to do. */
export function assertTokenRotated(config: ZendeskSourceConfig, now: Date): void {
  const status = tokenRotationStatus(config.apiTokenIssuedAt, now);
  if (status.ageDays < -MOST_DAYS_AHEAD) {
    throw new ConnectorError(
      'config',
      `apiTokenIssuedAt ${config.apiTokenIssuedAt} is in the future`,
      'set it to the day the API token was created',
    );
  }
  if (status.due) {
    throw new ConnectorError(
      'auth',
      `the Zendesk API token is ${status.ageDays} days old: it had to be rotated by ${status.dueAt} (every 30 days)`,
      "create a new API token in Zendesk Admin Center > Apps and integrations > Zendesk API, update the connector's apiToken and apiTokenIssuedAt, then delete the old token",
    );
  }
}

async function readTicketPage(config: ZendeskSourceConfig, stream: string, request: PageRequest, signal: AbortSignal): Promise<SourcePage> {
  assertTokenRotated(config, new Date());
  signal.throwIfAborted();
  const { body, usage } = await requestExportPage(
    {
      baseUrl: zendeskBaseUrl(config),
      email: config.email,
      apiToken: config.apiToken,
      cursor: request.pageToken ?? request.cursor?.value ?? null,
      startTime: EXPORT_FROM_START,
      pageSize: config.pageSize,
    },
    signal,
  );
  const page = parseBody(exportPageSchema, body, EXPORT);
  const rows = mapExportPage(page, config.sentimentByStatus);
  const lastTicket = page.tickets.at(-1);
  // The position is the export's own cursor; the last ticket's id is kept beside it for operators.
  const lastKey = lastTicket ? String(lastTicket.id) : (request.cursor?.lastKey ?? '0');
  return {
    rows,
    apiCalls: 1,
    nextPageToken: page.end_of_stream ? null : page.after_cursor,
    checkpoint: { value: page.after_cursor, lastKey },
    ...(usage ? { usage } : {}),
  };
}

/** The export alone, without a connector's inbox: what reads an account directly (tests, checks). */
export const zendeskExportSource: SourcePlugin<ZendeskSourceConfig> = {
  kind: 'zendesk',
  streams: zendeskStreams,
  async readPage(config, stream, request, signal): Promise<SourcePage> {
    streamNamed(zendeskStreams, stream, 'Zendesk');
    return readTicketPage(config, stream, request, signal);
  },
};

/** The partition of the tickets stream the webhook drain reads: the ticket events the webhook route stored. */
export const WEBHOOK_PARTITION = 'webhooks';

/** Tickets from the export (a scheduled cycle) or, in the webhook partition, from the inbox (the drain). */
export function createZendeskSource(inbox: InboxReader): SourcePlugin<ZendeskSourceConfig> {
  return {
    kind: 'zendesk',
    streams: zendeskStreams,
    webhookPartition: WEBHOOK_PARTITION,
    async readPage(config, stream, request, signal): Promise<SourcePage> {
      if (request.partition !== WEBHOOK_PARTITION) return zendeskExportSource.readPage(config, stream, request, signal);
      streamNamed(zendeskStreams, stream, 'Zendesk');
      signal.throwIfAborted();
      // A Zendesk delivery is one event of up to 256 KB (api/routes/webhooks.ts): pages stay at 1,000.
      const paging = { stream: 'Zendesk ticket events', batchSize: config.batchSize, largestPage: 1_000 };
      return readInboxPage(inbox, request, paging, (event) => mapTicketEvent(event, config.sentimentByStatus));
    },
  };
}
