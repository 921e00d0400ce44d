/**
 * The CMS content-views source (FR-4): Relay-style pages of the `contentViews` GraphQL connection,
 * one POST per page, read incrementally by (updatedAt, id). Pages are cached for 5 minutes, every
 * request is timed against the 500 ms target, and a response past the payload limit is refused.
 */
import type { StreamCursor } from '../../../domain/cycle';
import { cmsStreams, type CmsSourceConfig, type CmsStream } from './definition';
import { ConnectorError } from '../../errors';
import { parseBody } from '../http-kit';
import { streamNamed, type PageRequest, type SourcePage, type SourcePlugin } from '../types';
import {
  contentViewsDataSchema,
  contentViewsQuery,
  isAfterCursor,
  mapContentView,
  type ContentViewsData,
  type ContentViewsVariables,
} from './content-views';
import { CONTENT_VIEWS, requestGraphql } from './graphql-request';
import { CMS_REQUEST_TARGET_MS, cmsRequestTimings } from './request-timings';
import { cacheKey, ResponseCache } from './response-cache';

export type { CmsSourceConfig };

const cache = new ResponseCache<ContentViewsData>();

function checkedCursor(cursor: StreamCursor | null): StreamCursor | null {
  if (cursor !== null && Number.isNaN(Date.parse(cursor.value))) {
    throw new ConnectorError(
      'config',
      'the stored cursor of the content_views stream is not a timestamp',
      "reset the stream's cursor to read it from the start",
    );
  }
  return cursor;
}

async function fetchContentViews(
  config: CmsSourceConfig,
  stream: CmsStream,
  variables: ContentViewsVariables,
  signal: AbortSignal,
): Promise<{ data: ContentViewsData; apiCalls: number; durationMs: number | null }> {
  const query = contentViewsQuery(stream);
  const key = cacheKey(config.endpoint, config.accessToken, query, variables);
  const cached = cache.get(key);
  if (cached) return { data: cached, apiCalls: 0, durationMs: null };
  const { data, bytes, durationMs } = await requestGraphql(
    {
      endpoint: config.endpoint,
      accessToken: config.accessToken,
      query,
      variables: { ...variables },
      payloadLimit: {
        maxBytes: config.maxPayloadBytes,
        what: `one page of the CMS's ${stream.name}`,
        hint: `lower the connector's pageSize (now ${config.pageSize}) so that one page stays under the limit`,
      },
      timings: cmsRequestTimings,
      label: { source: 'cms', stream: stream.name, operation: 'ContentViews' },
    },
    signal,
  );
  const parsed = parseBody(contentViewsDataSchema, data, CONTENT_VIEWS);
  // The last page is where new and updated rows arrive (an update moves a row to the end of the
  // order), so it is always asked afresh; a cached earlier page can only hold versions that a
  // fresh last page supersedes.
  if (parsed.contentViews.pageInfo.hasNextPage) cache.set(key, parsed, bytes);
  return { data: parsed, apiCalls: 1, durationMs };
}

async function readContentViewsPage(
  config: CmsSourceConfig,
  streamName: string,
  request: PageRequest,
  signal: AbortSignal,
): Promise<SourcePage> {
  const stream = streamNamed(cmsStreams, streamName, 'CMS');
  const cursor = checkedCursor(request.cursor);
  signal.throwIfAborted();
  const variables: ContentViewsVariables = { first: config.pageSize, after: request.pageToken, updatedSince: cursor?.value ?? null };
  const { data, apiCalls, durationMs } = await fetchContentViews(config, stream, variables, signal);
  const { edges, pageInfo } = data.contentViews;
  const rows = edges.map((edge) => mapContentView(edge.node)).filter((row) => isAfterCursor(row, cursor));
  if (pageInfo.hasNextPage && !pageInfo.endCursor) {
    throw new ConnectorError('system', 'the CMS said more content views follow but gave no endCursor');
  }
  const slow =
    durationMs !== null && durationMs > CMS_REQUEST_TARGET_MS ? { slowRequest: { durationMs, targetMs: CMS_REQUEST_TARGET_MS } } : {};
  return { rows, apiCalls, nextPageToken: pageInfo.hasNextPage ? pageInfo.endCursor : null, ...slow };
}

export const cmsSource: SourcePlugin<CmsSourceConfig> = {
  kind: 'cms',
  streams: cmsStreams,
  readPage: readContentViewsPage,
};
