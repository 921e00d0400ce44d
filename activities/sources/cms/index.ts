/**
 * The CMS source (FR-4): Relay-style pages of the connector's GraphQL query (a preset or its own),
 * one POST per page, read incrementally by the records' last-changed field. Pages are cached for 5
 * minutes, every request is timed against the 500 ms target, and a response past the payload limit
 * is refused. The query is checked against the CMS's schema (introspection) before a connector keeps
 * it, and discovery types the stream's fields by that schema.
 */
import type { CatalogStream } from '../../../domain/catalog';
import type { StreamCursor } from '../../../domain/cycle';
import { cmsStreamFrom, cmsStreamsOf, cmsStreams, type CmsSourceConfig, type CmsStream } from './definition';
import { ConnectorError } from '../../errors';
import { ChoicesRefusedError, streamNamed, type PageRequest, type SourcePage, type SourcePlugin } from '../types';
import { CMS_QUERY_CALL, requestGraphql } from './graphql-request';
import { introspect, refusedBySchema, typedCatalogStream, typedColumns } from './introspection';
import { nextPageToken, pageVariables, unreadRecords } from './paging';
import { cmsQueryOf } from './presets';
import { isPreset, takesUpdatedSince, type CmsQuery } from './query';
import { isAfterCursor, recordsOf, rowsOf } from './records';
import { CMS_REQUEST_TARGET_MS, cmsRequestTimings } from './request-timings';
import { cacheKey, ResponseCache } from './response-cache';

export type { CmsSourceConfig };

const cache = new ResponseCache<unknown>();

function checkedCursor(cursor: StreamCursor | null, stream: CmsStream): StreamCursor | null {
  if (cursor !== null && Number.isNaN(Date.parse(cursor.value))) {
    throw new ConnectorError(
      'config',
      `the stored cursor of the ${stream.name} stream is not a timestamp`,
      "reset the stream's cursor to read it from the start",
    );
  }
  return cursor;
}

async function fetchPage(
  config: CmsSourceConfig,
  stream: CmsStream,
  query: CmsQuery,
  variables: Record<string, unknown>,
  signal: AbortSignal,
): Promise<{ data: unknown; next: string | null; apiCalls: number; durationMs: number | null }> {
  const key = cacheKey(config.endpoint, config.accessToken, query.document, variables);
  const cached = cache.get(key);
  if (cached !== undefined) return { data: cached, next: nextPageToken(query, cached, variables), apiCalls: 0, durationMs: null };
  const { data, bytes, durationMs } = await requestGraphql(
    {
      endpoint: config.endpoint,
      accessToken: config.accessToken,
      query: query.document,
      variables,
      payloadLimit: {
        maxBytes: config.maxPayloadBytes,
        what: `one page of the CMS's ${stream.name}`,
        hint: `lower the connector's pageSize (now ${config.pageSize}) so that one page stays under the limit`,
      },
      timings: cmsRequestTimings,
      call: CMS_QUERY_CALL,
      label: { source: 'cms', stream: stream.name, operation: isPreset(config.query) ? config.query : 'own-query' },
    },
    signal,
  );
  const next = nextPageToken(query, data, variables);
  // The last page is where new and updated rows arrive (an update moves a row to the end of the
  // order), so it is always asked afresh; a cached earlier page can only hold versions that a
  // fresh last page supersedes.
  if (next !== null) cache.set(key, data, bytes);
  return { data, next, apiCalls: 1, durationMs };
}

/** The stream read: typed by the CMS's schema where the cycle discovered it, else as the config says. */
function streamOf(config: CmsSourceConfig, streamName: string, request: PageRequest): CmsStream {
  if (request.catalogStream && !isPreset(config.query)) return cmsStreamFrom(config, request.catalogStream.fields);
  return streamNamed(cmsStreamsOf(config), streamName, 'CMS');
}

async function readQueryPage(config: CmsSourceConfig, streamName: string, request: PageRequest, signal: AbortSignal): Promise<SourcePage> {
  const stream = streamOf(config, streamName, request);
  const query = cmsQueryOf(config);
  const cursor = checkedCursor(request.cursor, stream);
  signal.throwIfAborted();
  const variables = pageVariables(query, takesUpdatedSince(query.document), config.pageSize, request.pageToken, cursor);
  const { data, next, apiCalls, durationMs } = await fetchPage(config, stream, query, variables, signal);
  const records = unreadRecords(query, recordsOf(data, query.recordsPath), request.pageToken);
  const rows = rowsOf(records, stream).filter((row) => isAfterCursor(row, cursor, stream));
  const slow =
    durationMs !== null && durationMs > CMS_REQUEST_TARGET_MS ? { slowRequest: { durationMs, targetMs: CMS_REQUEST_TARGET_MS } } : {};
  return { rows, apiCalls, nextPageToken: next, ...slow };
}

/** The stream the query reads, its fields typed by the CMS's schema (as configured when it refuses introspection). */
async function discoveredStream(config: CmsSourceConfig, signal: AbortSignal): Promise<{ stream: CatalogStream; apiCalls: number }> {
  const query = cmsQueryOf(config);
  const [configured] = Object.values(cmsStreamsOf(config));
  if (!configured) throw new Error('a CMS connector reads one stream');
  const { schema, apiCalls } = await introspect(config, signal);
  const refused = schema ? refusedBySchema(schema, query) : [];
  if (refused.length > 0) throw new ChoicesRefusedError('the CMS', refused);
  // A preset lands its fixed columns; a query of one's own, what the schema says it selects.
  const columns = schema ? typedColumns(schema, query) : [];
  const typed = schema && !isPreset(config.query) ? cmsStreamFrom(config, columns) : configured;
  return { stream: typedCatalogStream(typed, columns, query.recordsPath.join('.')), apiCalls };
}

export const cmsSource: SourcePlugin<CmsSourceConfig> = {
  kind: 'cms',
  streams: cmsStreams,
  readPage: readQueryPage,
  /** The query's verdict by the CMS's schema: each field it lacks, in graphql-js's words. */
  async refusedChoices(config, { signal }) {
    const { schema } = await introspect(config, signal);
    return schema ? refusedBySchema(schema, cmsQueryOf(config)) : [];
  },
  async discover(config, { signal }) {
    const { stream } = await discoveredStream(config, signal);
    return { source: 'cms', discoveredAt: new Date().toISOString(), streams: [stream] };
  },
  /** The cycle asks the schema on the CMS's rate-limited queue, counted (once in 5 minutes: it is cached). */
  async discoverStream(config, streamName, { signal }) {
    const { stream, apiCalls } = await discoveredStream(config, signal);
    if (stream.name !== streamName) throw new ConnectorError('config', `this CMS connector reads ${stream.name}, not ${streamName}`);
    return { kind: 'found', stream, apiCalls };
  },
};
