/**
 * The GA4 source over the official Data API SDK (@google-analytics/data). Each chosen report
 * (`daily_metrics` by default) pages a runReport by offset over a date range that starts a few days before the cursor, since GA4 keeps
 * revising recent days; `realtime_events` takes one runRealtimeReport snapshot of the last 30
 * minutes per poll. Both merge by a key over their dimensions, so re-reading is harmless.
 */
import type { CallOptions } from 'google-gax';
import { catalogStreamOf } from '../../../domain/catalog';
import type { StreamCursor } from '../../../domain/cycle';
import { DEFAULT_REPORTS, ga4Streams, ga4StreamsOf, type Ga4SourceConfig, type Ga4Stream } from './definition';
import { ConnectorError } from '../../errors';
import { untilAborted } from '../abort';
import { logger } from '../../logger';
import { parseBody, type HttpCall } from '../http-kit';
import { streamNamed, type PageRequest, type Row, type SourcePage, type SourcePlugin } from '../types';
import { closeGa4Clients, ga4Client } from './client';
import { ga4Failure } from './failures';
import { propertyFields, unknownReportFields } from './metadata';
import { dailyReportRequest, firstDailyPage, parseDailyPageToken, realtimeReportRequest } from './reports';
import { mapColumns, namedValues, reportResponseSchema, rowKey, type ReportResponse } from './rows';
import { reportedUsage } from './usage';

/** GA4 answers a report in seconds; past a minute something is wrong, and Temporal retries. */
const CALL_OPTIONS: CallOptions = { timeout: 60_000 };
const MINUTE_MS = 60_000;

const REPORT: HttpCall = { service: 'GA4', action: 'a report' };

type ReportOutcome = { response: ReportResponse } | { stop: NonNullable<SourcePage['stop']> };

async function runReport(config: Ga4SourceConfig, call: () => Promise<readonly unknown[]>, signal: AbortSignal): Promise<ReportOutcome> {
  let answer: readonly unknown[];
  try {
    answer = await untilAborted(call(), signal);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const failure = ga4Failure(error, config.propertyId);
    if (failure instanceof ConnectorError) throw failure;
    return failure;
  }
  return { response: parseBody(reportResponseSchema, answer[0], REPORT) };
}

const stopped = (stop: NonNullable<SourcePage['stop']>): SourcePage => ({ rows: [], apiCalls: 1, nextPageToken: null, stop });

function withUsage(page: SourcePage, config: Ga4SourceConfig, response: ReportResponse): SourcePage {
  const usage = reportedUsage(config, response);
  return usage ? { ...page, usage } : page;
}

const checkpointAt = (row: Row | undefined, cursorColumn: string): StreamCursor | undefined =>
  row && typeof row[cursorColumn] === 'string' && typeof row.id === 'string' ? { value: row[cursorColumn], lastKey: row.id } : undefined;

async function readDaily(config: Ga4SourceConfig, stream: Ga4Stream, request: PageRequest, signal: AbortSignal): Promise<SourcePage> {
  const page = request.pageToken ? parseDailyPageToken(request.pageToken) : firstDailyPage(config, request.cursor, new Date());
  const outcome = await runReport(
    config,
    async () => (await ga4Client(config)).runReport(dailyReportRequest(config, stream, page), CALL_OPTIONS),
    signal,
  );
  if ('stop' in outcome) return stopped(outcome.stop);
  const { response } = outcome;
  const readAt = new Date().toISOString();
  const rows = namedValues(response).map((values): Row => {
    const columns = mapColumns(stream, values);
    return { id: rowKey(stream.dimensions.map((c) => columns[c.name])), ...columns, read_at: readAt };
  });
  const offset = page.offset + rows.length;
  const more = rows.length > 0 && offset < (response.rowCount ?? 0);
  // Rows come in date order, but not in key order (the key is a digest): the checkpoint says where.
  const checkpoint = checkpointAt(rows[rows.length - 1], stream.cursorColumn);
  const result: SourcePage = { rows, apiCalls: 1, nextPageToken: more ? JSON.stringify({ ...page, offset }) : null };
  return withUsage(checkpoint ? { ...result, checkpoint } : result, config, response);
}

/** One snapshot: `minutesAgo` becomes the minute it names, counted back from when the poll was sent. */
async function readRealtime(config: Ga4SourceConfig, stream: Ga4Stream, signal: AbortSignal): Promise<SourcePage> {
  const polledMinute = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const outcome = await runReport(
    config,
    async () => (await ga4Client(config)).runRealtimeReport(realtimeReportRequest(config, stream), CALL_OPTIONS),
    signal,
  );
  if ('stop' in outcome) return stopped(outcome.stop);
  const { response } = outcome;
  const readAt = new Date().toISOString();
  const rows = namedValues(response).map((values): Row => {
    const minutesAgo = Number(values.get('minutesAgo'));
    if (!Number.isInteger(minutesAgo)) throw new ConnectorError('data', 'GA4 sent a realtime row whose minutesAgo is not a whole number');
    const minute = new Date(polledMinute - minutesAgo * MINUTE_MS).toISOString();
    const columns = mapColumns(stream, values);
    return { id: rowKey([minute, ...stream.dimensions.map((c) => columns[c.name])]), minute, ...columns, read_at: readAt };
  });
  const returned = rows.length;
  if ((response.rowCount ?? returned) > returned) {
    logger.warn({ property: config.propertyId, returned, rowCount: response.rowCount }, 'GA4 realtime snapshot truncated at pageSize');
  }
  rows.sort((a, b) =>
    String(a.minute) === String(b.minute) ? String(a.id).localeCompare(String(b.id)) : String(a.minute) < String(b.minute) ? -1 : 1,
  );
  return withUsage({ rows, apiCalls: 1, nextPageToken: null }, config, response);
}

export const ga4Source: SourcePlugin<Ga4SourceConfig> = {
  kind: 'ga4',
  streams: ga4Streams,
  readPage(config, streamName, request, signal) {
    signal.throwIfAborted();
    const stream = streamNamed(ga4StreamsOf(config), streamName, 'GA4');
    return stream.report === 'daily' ? readDaily(config, stream, request, signal) : readRealtime(config, stream, signal);
  },
  /** The connector's reports and the realtime stream, once the property's metadata says it has their fields. */
  async discover(config, { signal }) {
    const refused = unknownReportFields(config, await propertyFields(config, signal));
    if (refused.length > 0) {
      throw new ConnectorError('config', refused.map((choice) => choice.message).join('; '), "change the connector's reports");
    }
    const streams = Object.values(ga4StreamsOf(config)).map((stream) => catalogStreamOf(stream));
    return { source: 'ga4', discoveredAt: new Date().toISOString(), streams };
  },
  async refusedChoices(config, { signal }) {
    // The default report asks only for fields every property has: nothing to ask the property.
    if (JSON.stringify(config.reports) === JSON.stringify(DEFAULT_REPORTS)) return [];
    return unknownReportFields(config, await propertyFields(config, signal));
  },
  close: closeGa4Clients,
};
