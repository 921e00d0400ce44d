/**
 * Brandwatch Consumer Research: mentions of the connector's queries, with their sentiment. Read
 * incrementally by `added` (when the mention matched the query), which only grows; `date` (when it
 * was published) is the event time. Workflow-safe.
 */
import { z } from 'zod';
import { httpUrlSchema } from '../../../domain/http-url';
import type { StreamDefinition } from '../../../domain/streams/types';
import { batchSizeSchema, column, streamChoice, type SourceDefinition } from '../definition';
import mentionsSuite from './suites/mentions.json';

export const BRANDWATCH_STREAM_NAMES = ['mentions'] as const;
export type BrandwatchStreamName = (typeof BRANDWATCH_STREAM_NAMES)[number];

export const SENTIMENT_LABELS = ['positive', 'neutral', 'negative'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export const brandwatchStreams: Record<BrandwatchStreamName, StreamDefinition> = {
  mentions: {
    name: 'mentions',
    table: 'brandwatch_mentions',
    primaryKey: 'resource_id',
    cursorColumn: 'added',
    columns: [
      column('resource_id', 'string', 'resourceId'),
      column('added', 'timestamp', 'added'),
      column('date', 'timestamp', 'date'),
      column('updated', 'timestamp', 'updated'),
      column('query_id', 'integer', 'queryId'),
      column('query_name', 'string', 'queryName'),
      column('sentiment', 'string', 'sentiment'),
      // Not on the wire: the label's score from the connector's sentimentScores table.
      column('sentiment_score', 'number'),
      column('title', 'string', 'title'),
      column('snippet', 'string', 'snippet'),
      column('url', 'string', 'url'),
      column('domain', 'string', 'domain'),
      column('page_type', 'string', 'pageType'),
      column('language', 'string', 'language'),
      column('country_code', 'string', 'countryCode'),
      column('author', 'string', 'author', true),
      column('fullname', 'string', 'fullname', true),
      column('impressions', 'integer', 'impressions'),
      column('reach_estimate', 'integer', 'reachEstimate'),
      column('impact', 'number', 'impact'),
    ],
  },
};

const score = z.number().min(-1, 'must be between -1 and 1').max(1, 'must be between -1 and 1');

export const brandwatchSourceSchema = z.object({
  kind: z.literal('brandwatch'),
  apiUrl: httpUrlSchema.default('https://api.brandwatch.com'),
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
  sentimentScores: z.object({ positive: score, neutral: score, negative: score }).default({ positive: 1, neutral: 0, negative: -1 }),
  streams: streamChoice(BRANDWATCH_STREAM_NAMES),
  batchSize: batchSizeSchema,
});
export type BrandwatchSourceConfig = z.infer<typeof brandwatchSourceSchema>;

/** 30 requests per rolling 10 minutes per API client (developers.brandwatch.com, rate limiting); spec flow 5: polling. */
export const brandwatchDefinition = {
  kind: 'brandwatch',
  title: 'Brandwatch',
  config: brandwatchSourceSchema,
  streams: brandwatchStreams,
  suites: { mentions: mentionsSuite },
  rateLimit: { requests: 30, perSeconds: 600 },
  defaultSchedule: '10m',
} satisfies SourceDefinition<'brandwatch', BrandwatchStreamName>;
