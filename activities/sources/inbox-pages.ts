/**
 * Paging through a connector's webhook inbox (activities/store/inbox.ts), for every source whose
 * events are pushed to us: SendGrid's, and Zendesk's ticket events. The webhook route has already
 * verified and stored the events; a page is the events after a position, in arrival order. The
 * position is the inbox sequence number, zero-padded so that cursors compare as text too; the event
 * id goes along as the last key.
 */
import { ConnectorError } from '../errors';
import type { InboxEvent } from '../store/inbox';
import type { PageRequest, Row, SourcePage } from './types';

/** What the plug-ins need of the control-plane store. */
export interface InboxReader {
  readInboxEvents(connectorId: string, afterSeq: string, limit: number): Promise<InboxEvent[]>;
}

/**
 * A page holds as many events as the connector's batch, so a drain behind by a backlog reads each
 * batch in one page, with no pages to combine; but never fewer than this, as a drain's round reads
 * to the inbox's end in one history, and pages of a few events would fill it.
 */
const SMALLEST_INBOX_PAGE = 1_000;

const SEQ_DIGITS = 19;
const padSeq = (seq: string): string => seq.padStart(SEQ_DIGITS, '0');
const POSITION = /^\d{19}$/;

function startAfter(request: PageRequest, stream: string): string {
  const position = request.pageToken ?? request.cursor?.value ?? null;
  if (position === null) return '0';
  if (!POSITION.test(position)) {
    throw new ConnectorError(
      'config',
      `the stored cursor of the ${stream} inbox is not an inbox position`,
      "reset the stream's cursor to drain the inbox from the start",
    );
  }
  return position.replace(/^0+(?=\d)/, '');
}

/** How a source's inbox is paged: `stream` names it in errors (`SendGrid events`). */
export interface InboxPaging {
  stream: string;
  /** The connector's batch size: a page holds as many events (at least SMALLEST_INBOX_PAGE). */
  batchSize: number;
  /** The most events a page may hold, as large as the source's events allow in one activity's memory. */
  largestPage: number;
}

/** One page of the inbox after the request's position, each event mapped to a row. */
export async function readInboxPage(
  inbox: InboxReader,
  request: PageRequest,
  { stream, batchSize, largestPage }: InboxPaging,
  map: (event: InboxEvent) => Row,
): Promise<SourcePage> {
  const pageSize = Math.min(Math.max(batchSize, SMALLEST_INBOX_PAGE), largestPage);
  const events = await inbox.readInboxEvents(request.connectorId, startAfter(request, stream), pageSize);
  const last = events.at(-1);
  if (!last) return { rows: [], apiCalls: 0, nextPageToken: null };
  const checkpoint = { value: padSeq(last.seq), lastKey: last.eventId };
  return {
    rows: events.map(map),
    apiCalls: 0,
    checkpoint,
    // A full page may have more behind it; a short one has caught up with the inbox.
    nextPageToken: events.length === pageSize ? checkpoint.value : null,
  };
}
