/**
 * The Salesforce source over jsforce 3: SOQL through queryAll (so deletions arrive as rows with
 * IsDeleted = true), incremental by (SystemModstamp, Id), one SourcePage per API page: REST
 * pages, or the requests of a Bulk API 2.0 job for a read above the bulk threshold (bulk-pages.ts). Streams that
 * carry a customer ID can be partitioned into customer-ID ranges, read in parallel, each with its own
 * cursor; the source's task-queue rate keeps them within the org's limit together.
 */
import { ConnectorError } from '../../errors';
import type { SourceCatalog } from '../../../domain/catalog';
import { streamNamed, type DiscoverContext, type PageRequest, type SourcePage, type SourcePlugin, type StreamDiscovery } from '../types';
import type { Connection } from 'jsforce/lib/connection';
import { bulkStepOf, bulkToken, readBulkStep } from './bulk-pages';
import { connectionFor, forgetConnection } from './connection';
import { SALESFORCE_STREAM_NAMES, salesforceStreams, type SalesforceSourceConfig, type SalesforceStream } from './definition';
import { catalogStreamOf, describeObject, describeOrThrow } from './describe';
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
  const step = request.pageToken === null ? null : bulkStepOf(request.pageToken);
  const read = await forgettingRefusedSession(config, () =>
    step && step.step !== 'rest'
      ? readBulkStep({ conn, stream, request, config, signal }, step)
      : readRestPage(conn, stream, request, config, signal),
  );
  const apiCalls = read.requests + loginCalls;
  if (read.kind === 'quota-exhausted') {
    return { rows: [], apiCalls, nextPageToken: null, stop: { reason: 'daily-api-quota', detail: read.detail } };
  }
  const stop = quotaStop(conn, config.apiQuotaShare);
  return { rows: read.rows, apiCalls, nextPageToken: stop ? null : read.nextPageToken, ...reportedUsage(conn), ...(stop ? { stop } : {}) };
}

/** The org's daily usage as its last response reported it (Sforce-Limit-Info). */
function reportedUsage(conn: Connection): Pick<SourcePage, 'usage'> {
  const usage = conn.limitInfo.apiUsage;
  return usage && usage.limit > 0 ? { usage: { used: usage.used, limit: usage.limit, scope: 'daily API requests' } } : {};
}

/** Salesforce's session errors forget the connection, so the retry logs in again. */
async function forgettingRefusedSession<T>(config: SalesforceSourceConfig, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConnectorError && error.category === 'auth') forgetConnection(config);
    throw error;
  }
}

/** One stream's describe, for a cycle to ask on the org's queue: one request, and a login when the worker has no session. */
async function discoverSalesforceStream(
  config: SalesforceSourceConfig,
  name: string,
  { signal }: DiscoverContext,
): Promise<StreamDiscovery> {
  const stream = streamNamed(salesforceStreams, name, 'Salesforce');
  const { conn, loginCalls } = await connectionFor(config, signal);
  const described = await forgettingRefusedSession(config, () => describeObject(conn, stream.sobject, config, signal));
  const apiCalls = loginCalls + 1;
  if (described.kind === 'quota-exhausted') return { ...described, apiCalls };
  return { kind: 'found', stream: catalogStreamOf(stream.name, described.description, config), apiCalls, ...reportedUsage(conn) };
}

/** The org's describe of every stream's object, as the config reads them. */
async function discoverSalesforce(config: SalesforceSourceConfig, { signal }: DiscoverContext): Promise<SourceCatalog> {
  const { conn } = await connectionFor(config, signal);
  return forgettingRefusedSession(config, async () => {
    const streams = [];
    for (const name of SALESFORCE_STREAM_NAMES) {
      streams.push(catalogStreamOf(name, await describeOrThrow(conn, salesforceStreams[name].sobject, config, signal), config));
    }
    return { source: 'salesforce', discoveredAt: new Date().toISOString(), streams };
  });
}

export const salesforceSource: SourcePlugin<SalesforceSourceConfig> = {
  kind: 'salesforce',
  streams: salesforceStreams,
  discover: discoverSalesforce,
  discoverStream: discoverSalesforceStream,
  partitions: (config, stream) => salesforcePartitions(config.customerIdBoundaries, stream),
  readPage: readSalesforcePage,
};
