/**
 * The Salesforce source over jsforce 3: SOQL through queryAll (so deletions arrive as rows with
 * IsDeleted = true), incremental by (SystemModstamp, Id), one SourcePage per API page: REST
 * pages, or the requests of a Bulk API 2.0 job for a read above the bulk threshold (bulk-pages.ts). Streams that
 * carry a customer ID can be partitioned into customer-ID ranges, read in parallel, each with its own
 * cursor; the source's task-queue rate keeps them within the org's limit together.
 */
import { ConnectorError } from '../../errors';
import type { SourceCatalog } from '../../../domain/catalog';
import { streamNamed, type DiscoverContext, type PageRequest, type SourcePage, type SourcePlugin } from '../types';
import type { Connection } from 'jsforce/lib/connection';
import { bulkStepOf, bulkToken, readBulkStep } from './bulk-pages';
import { connectionFor, forgetConnection } from './connection';
import { SALESFORCE_STREAM_NAMES, salesforceStreams, type SalesforceSourceConfig, type SalesforceStream } from './definition';
import { catalogStreamOf, describeObject } from './describe';
import { mapSalesforceRecord } from './mapping';
import { salesforcePartitions } from './partitions';
import { fetchPage, quotaStop, type PageRead } from './query-pages';
import { buildSoql } from './soql';
import { salesforceStreamFrom } from './streams';

export type { SalesforceSourceConfig };
export { buildSoql, mapSalesforceRecord };

/**
 * A REST page of queryAll: the first from the cursor, or the next by its nextRecordsUrl. A read
 * whose first page reports more than the bulk threshold goes on in a Bulk API 2.0 job.
 */
async function readRestPage(
  conn: Connection,
  stream: SalesforceStream,
  request: PageRequest,
  config: SalesforceSourceConfig,
  signal: AbortSignal,
): Promise<PageRead> {
  const firstPage = `/queryAll?q=${encodeURIComponent(buildSoql(stream, request.cursor, request.partition))}`;
  const continued = request.pageToken === null || bulkStepOf(request.pageToken) ? null : request.pageToken;
  let result = await fetchPage(conn, continued ?? firstPage, config, signal);
  let requests = 1;
  // A query locator lives ~15 minutes; the cursor says where the last page ended, so query afresh from there.
  if (result.kind === 'locator-expired' && continued) {
    requests += 1;
    result = await fetchPage(conn, firstPage, config, signal);
  }
  if (result.kind === 'locator-expired') throw new ConnectorError('transient', 'Salesforce refused a fresh query locator as expired');
  if (result.kind === 'quota-exhausted') return { ...result, requests };
  const { page } = result;
  const rows = page.records.map((record) => mapSalesforceRecord(stream, record));
  if (page.done) return { kind: 'rows', rows, requests, nextPageToken: null };
  if (request.pageToken === null && page.totalSize > config.bulkThreshold) {
    return { kind: 'rows', rows, requests, nextPageToken: bulkToken({ step: 'open' }) };
  }
  if (!page.nextRecordsUrl) throw new ConnectorError('system', 'Salesforce said more records follow but gave no nextRecordsUrl');
  return { kind: 'rows', rows, requests, nextPageToken: page.nextRecordsUrl };
}

async function readSalesforcePage(
  config: SalesforceSourceConfig,
  streamName: string,
  request: PageRequest,
  signal: AbortSignal,
): Promise<SourcePage> {
  const stream = request.catalogStream
    ? salesforceStreamFrom(config, request.catalogStream)
    : streamNamed(salesforceStreams, streamName, 'Salesforce');
  signal.throwIfAborted();
  const { conn, loginCalls } = await connectionFor(config, signal);
  let read: PageRead;
  try {
    const step = request.pageToken === null ? null : bulkStepOf(request.pageToken);
    read =
      step && step.step !== 'rest'
        ? await readBulkStep({ conn, stream, request, config, signal }, step)
        : await readRestPage(conn, stream, request, config, signal);
  } catch (error) {
    if (error instanceof ConnectorError && error.category === 'auth') forgetConnection(config);
    throw error;
  }
  const apiCalls = read.requests + loginCalls;
  if (read.kind === 'quota-exhausted') {
    return { rows: [], apiCalls, nextPageToken: null, stop: { reason: 'daily-api-quota', detail: read.detail } };
  }
  const usage = conn.limitInfo.apiUsage;
  const stop = quotaStop(conn, config.apiQuotaShare);
  return {
    rows: read.rows,
    apiCalls,
    nextPageToken: stop ? null : read.nextPageToken,
    ...(usage && usage.limit > 0 ? { usage: { used: usage.used, limit: usage.limit, scope: 'daily API requests' } } : {}),
    ...(stop ? { stop } : {}),
  };
}

/** The org's describe of every stream's object, as the config reads them. */
async function discoverSalesforce(config: SalesforceSourceConfig, { signal }: DiscoverContext): Promise<SourceCatalog> {
  const { conn } = await connectionFor(config, signal);
  try {
    const streams = [];
    for (const name of SALESFORCE_STREAM_NAMES) {
      streams.push(catalogStreamOf(name, await describeObject(conn, salesforceStreams[name].sobject, config, signal), config));
    }
    return { source: 'salesforce', discoveredAt: new Date().toISOString(), streams };
  } catch (error) {
    if (error instanceof ConnectorError && error.category === 'auth') forgetConnection(config);
    throw error;
  }
}

export const salesforceSource: SourcePlugin<SalesforceSourceConfig> = {
  kind: 'salesforce',
  streams: salesforceStreams,
  discover: discoverSalesforce,
  partitions: (config, stream) => salesforcePartitions(config.customerIdBoundaries, stream),
  readPage: readSalesforcePage,
};
