/**
 * The Salesforce source over jsforce 3: SOQL through queryAll (so deletions arrive as rows with
 * IsDeleted = true), incremental by (SystemModstamp, Id), one SourcePage per API page. Streams that
 * carry a customer ID can be partitioned into customer-ID ranges, read in parallel, each with its own
 * cursor; the source's task-queue rate keeps them within the org's limit together.
 */
import { ConnectorError } from '../../errors';
import { streamNamed, type PageRequest, type SourcePage, type SourcePlugin } from '../types';
import { connectionFor, forgetConnection } from './connection';
import { salesforceStreams, type SalesforceSourceConfig } from './definition';
import { mapSalesforceRecord } from './mapping';
import { salesforcePartitions } from './partitions';
import { fetchPage, quotaStop, type PageResult } from './query-pages';
import { buildSoql } from './soql';

export type { SalesforceSourceConfig };
export { buildSoql, mapSalesforceRecord };

async function readSalesforcePage(
  config: SalesforceSourceConfig,
  streamName: string,
  request: PageRequest,
  signal: AbortSignal,
): Promise<SourcePage> {
  const stream = streamNamed(salesforceStreams, streamName, 'Salesforce');
  signal.throwIfAborted();
  const { conn, loginCalls } = await connectionFor(config, signal);
  const firstPage = `/queryAll?q=${encodeURIComponent(buildSoql(stream, request.cursor, request.partition))}`;
  let result: PageResult;
  let requests = 1;
  try {
    result = await fetchPage(conn, request.pageToken ?? firstPage, config, signal);
    // A query locator lives ~15 minutes; the cursor says where the last page ended, so query afresh from there.
    if (result.kind === 'locator-expired' && request.pageToken) {
      requests += 1;
      result = await fetchPage(conn, firstPage, config, signal);
    }
  } catch (error) {
    if (error instanceof ConnectorError && error.category === 'auth') forgetConnection(config);
    throw error;
  }
  const apiCalls = requests + loginCalls;
  if (result.kind === 'locator-expired') throw new ConnectorError('transient', 'Salesforce refused a fresh query locator as expired');
  if (result.kind === 'quota-exhausted') {
    return { rows: [], apiCalls, nextPageToken: null, stop: { reason: 'daily-api-quota', detail: result.detail } };
  }
  const { page } = result;
  const rows = page.records.map((record) => mapSalesforceRecord(stream, record));
  const usage = conn.limitInfo.apiUsage;
  const stop = quotaStop(conn, config.apiQuotaShare);
  if (!stop && !page.done && !page.nextRecordsUrl) {
    throw new ConnectorError('system', 'Salesforce said more records follow but gave no nextRecordsUrl');
  }
  return {
    rows,
    apiCalls,
    nextPageToken: stop || page.done ? null : (page.nextRecordsUrl ?? null),
    ...(usage && usage.limit > 0 ? { usage: { used: usage.used, limit: usage.limit, scope: 'daily API requests' } } : {}),
    ...(stop ? { stop } : {}),
  };
}

export const salesforceSource: SourcePlugin<SalesforceSourceConfig> = {
  kind: 'salesforce',
  streams: salesforceStreams,
  partitions: (config, stream) => salesforcePartitions(config.customerIdBoundaries, stream),
  readPage: readSalesforcePage,
};
