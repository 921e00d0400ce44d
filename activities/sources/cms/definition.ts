/**
 * Content view metrics from the CMS's GraphQL API (FR-4): one row per piece of content per day,
 * updated through the day as views accumulate, read incrementally by (updatedAt, id) through the
 * Relay-style `contentViews` connection. Workflow-safe.
 */
import { z } from 'zod';
import type { StreamDefinition } from '../../../domain/streams/types';
import { batchSizeSchema, column, streamChoice, type SourceDefinition } from '../definition';
import contentViewsSuite from './suites/content_views.json';

export const CMS_STREAM_NAMES = ['content_views'] as const;
export type CmsStreamName = (typeof CMS_STREAM_NAMES)[number];

/** FR-4: a response must stay under 500 MB (decimal, the strictest reading). */
export const CMS_MAX_PAYLOAD_BYTES = 500_000_000;

export const cmsSourceSchema = z.object({
  kind: z.literal('cms'),
  /** The GraphQL endpoint, e.g. https://cms.example.com/graphql */
  endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Sent as `Authorization: Bearer …`. */
  accessToken: z.string().min(1),
  /** Rows per GraphQL page (`first`). */
  pageSize: z.number().int().min(1).max(1000).default(500),
  /** A response larger than this is refused; at most the 500 MB of FR-4. */
  maxPayloadBytes: z.number().int().min(1024).max(CMS_MAX_PAYLOAD_BYTES).default(CMS_MAX_PAYLOAD_BYTES),
  streams: streamChoice(CMS_STREAM_NAMES),
  batchSize: batchSizeSchema,
});
export type CmsSourceConfig = z.infer<typeof cmsSourceSchema>;

export interface CmsStream extends StreamDefinition {
  readonly name: CmsStreamName;
}

export const cmsStreams: Record<CmsStreamName, CmsStream> = {
  content_views: {
    name: 'content_views',
    table: 'cms_content_views',
    // `<contentId>:<day>`, as the API gives it.
    primaryKey: 'id',
    cursorColumn: 'updated_at',
    columns: [
      column('id', 'string', 'id'),
      column('content_id', 'string', 'contentId'),
      column('title', 'string', 'title'),
      column('url', 'string', 'url'),
      column('content_type', 'string', 'contentType'),
      column('day', 'date', 'day'),
      column('views', 'integer', 'views'),
      column('unique_visitors', 'integer', 'uniqueVisitors'),
      column('avg_time_on_page_seconds', 'number', 'avgTimeOnPageSeconds'),
      column('updated_at', 'timestamp', 'updatedAt'),
    ],
  },
};

/**
 * 10 requests per second, a common GraphQL gateway default. Every 5 minutes by default: results
 * are cached for 5 minutes (FR-4), so polling more often would only be served from the cache.
 */
export const cmsDefinition = {
  kind: 'cms',
  title: 'CMS content views (GraphQL)',
  config: cmsSourceSchema,
  streams: cmsStreams,
  suites: { content_views: contentViewsSuite },
  rateLimit: { requests: 10, perSeconds: 1 },
  defaultSchedule: '5m',
} satisfies SourceDefinition<'cms', CmsStreamName>;
