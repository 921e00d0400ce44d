/**
 * Brandwatch Consumer Research: mentions of the connector's queries, with their sentiment. Read
 * incrementally by `added` (when the mention matched the query), which only grows; `date` (when it
 * was published) is the event time. Workflow-safe.
 */
import { z } from 'zod';
import type { SourceTraits } from '../sources';
import type { StreamColumn, StreamDefinition } from './types';

export const BRANDWATCH_STREAM_NAMES = ['mentions'] as const;
export type BrandwatchStreamName = (typeof BRANDWATCH_STREAM_NAMES)[number];

export const SENTIMENT_LABELS = ['positive', 'neutral', 'negative'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

const col = (name: string, type: StreamColumn['type'], sourceField?: string, personal = false): StreamColumn => ({
  name,
  type,
  ...(sourceField ? { sourceField } : {}),
  ...(personal ? { personal } : {}),
});

export const brandwatchStreams: Record<BrandwatchStreamName, StreamDefinition> = {
  mentions: {
    name: 'mentions',
    table: 'brandwatch_mentions',
    primaryKey: 'resource_id',
    cursorColumn: 'added',
    columns: [
      col('resource_id', 'string', 'resourceId'),
      col('added', 'timestamp', 'added'),
      col('date', 'timestamp', 'date'),
      col('updated', 'timestamp', 'updated'),
      col('query_id', 'integer', 'queryId'),
      col('query_name', 'string', 'queryName'),
      col('sentiment', 'string', 'sentiment'),
      // Not on the wire: the label's score from the connector's sentimentScores table.
      col('sentiment_score', 'number'),
      col('title', 'string', 'title'),
      col('snippet', 'string', 'snippet'),
      col('url', 'string', 'url'),
      col('domain', 'string', 'domain'),
      col('page_type', 'string', 'pageType'),
      col('language', 'string', 'language'),
      col('country_code', 'string', 'countryCode'),
      col('author', 'string', 'author', true),
      col('fullname', 'string', 'fullname', true),
      col('impressions', 'integer', 'impressions'),
      col('reach_estimate', 'integer', 'reachEstimate'),
      col('impact', 'number', 'impact'),
    ],
  },
};

const score = z.number().min(-1, 'must be between -1 and 1').max(1, 'must be between -1 and 1');

export const brandwatchSourceSchema = z.object({
  kind: z.literal('brandwatch'),
  apiUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.brandwatch.com'),
  username: z.string().min(1),
  password: z.string().min(1),
  projectId: z.number().int().positive(),
  queryIds: z.array(z.number().int().positive()).min(1, 'must name at least one query').max(100),
  /** Mentions per request (Brandwatch allows 1 to 5000). */
  pageSize: z.number().int().min(1).max(5000).default(5000),
  /** Days of mentions read on a connector's first run. */
  backfillDays: z.number().int().min(1).max(3650).default(30),
  /**
   * How far before the cursor publication dates are asked for: Brandwatch filters by `date`, and a
   * mention can be added to a query days after it was published.
   */
  lateArrivalDays: z.number().int().min(0).max(90).default(7),
  /** The score each sentiment label lands with. */
  sentimentScores: z
    .object({ positive: score, neutral: score, negative: score })
    .default({ positive: 1, neutral: 0, negative: -1 }),
  streams: z.array(z.enum(BRANDWATCH_STREAM_NAMES)).min(1).default([...BRANDWATCH_STREAM_NAMES]),
  batchSize: z.number().int().min(100).max(200_000).default(10_000),
});
export type BrandwatchSourceConfig = z.infer<typeof brandwatchSourceSchema>;

/** 30 requests per rolling 10 minutes per API client (developers.brandwatch.com, rate limiting); spec flow 5: polling. */
export const brandwatchTraits: SourceTraits = {
  title: 'Brandwatch',
  rateLimit: { requests: 30, perSeconds: 600 },
  defaultSchedule: '10m',
};
