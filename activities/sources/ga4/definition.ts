/**
 * Google Analytics 4 through the Data API: daily metrics by traffic source and page (runReport) and
 * the last 30 minutes of events (runRealtimeReport). A report row has no id of its own, so each
 * stream's key is a hash of its dimension values: re-reading a day, or a minute, merges in place.
 * Workflow-safe.
 */
import { z } from 'zod';
import type { StreamColumn, StreamDefinition } from '../../../domain/streams/types';
import { batchSizeSchema, column, streamChoice, type SourceDefinition } from '../definition';
import dailyMetricsSuite from './suites/daily_metrics.json';
import realtimeEventsSuite from './suites/realtime_events.json';

export const GA4_STREAM_NAMES = ['daily_metrics', 'realtime_events'] as const;
export type Ga4StreamName = (typeof GA4_STREAM_NAMES)[number];

export interface Ga4Stream extends StreamDefinition {
  readonly name: Ga4StreamName;
  /** Dimension columns in request order: their values make the row's key. */
  readonly dimensions: readonly StreamColumn[];
  readonly metrics: readonly StreamColumn[];
}

const dailyDimensions = [
  column('date', 'date', 'date'),
  column('session_source', 'string', 'sessionSource'),
  column('session_medium', 'string', 'sessionMedium'),
  column('page_path', 'string', 'pagePath'),
];
// keyEvents is what the Data API calls conversions since March 2024 (the old name is deprecated).
const dailyMetrics = [
  column('sessions', 'integer', 'sessions'),
  column('active_users', 'integer', 'activeUsers'),
  column('screen_page_views', 'integer', 'screenPageViews'),
  column('key_events', 'number', 'keyEvents'),
];

/** `minute` is derived from the poll time and `minutesAgo`; the other dimensions are GA4's own. */
const realtimeDimensions = [
  column('event_name', 'string', 'eventName'),
  column('platform', 'string', 'platform'),
  column('country', 'string', 'country'),
];
const realtimeMetrics = [column('event_count', 'integer', 'eventCount'), column('active_users', 'integer', 'activeUsers')];

export const ga4Streams: Record<Ga4StreamName, Ga4Stream> = {
  daily_metrics: {
    name: 'daily_metrics',
    table: 'ga4_daily_metrics',
    primaryKey: 'id',
    cursorColumn: 'date',
    dimensions: dailyDimensions,
    metrics: dailyMetrics,
    columns: [column('id', 'string'), ...dailyDimensions, ...dailyMetrics, column('read_at', 'timestamp')],
  },
  realtime_events: {
    name: 'realtime_events',
    table: 'ga4_realtime_events',
    primaryKey: 'id',
    cursorColumn: 'minute',
    dimensions: realtimeDimensions,
    metrics: realtimeMetrics,
    columns: [
      column('id', 'string'),
      column('minute', 'timestamp'),
      ...realtimeDimensions,
      ...realtimeMetrics,
      column('read_at', 'timestamp'),
    ],
  },
};

/** A service account key, as the JSON file Google issues holds it. */
const serviceAccountSchema = z.object({ client_email: z.email(), private_key: z.string().includes('PRIVATE KEY') });

export const ga4SourceSchema = z
  .object({
    kind: z.literal('ga4'),
    propertyId: z.string().regex(/^\d+$/, 'must be the numeric GA4 property id, e.g. 123456789'),
    /** A service account with Viewer access to the property; application default credentials when omitted. */
    credentials: serviceAccountSchema.optional(),
    /** An OAuth access token minted elsewhere (a token broker, a test); it is not refreshed. */
    accessToken: z.string().min(1).optional(),
    /** Another Data API endpoint (a simulator); spoken to over REST. */
    apiEndpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** Analytics 360 properties have ten times the token quota of standard ones. */
    propertyTier: z.enum(['standard', '360']).default('standard'),
    /** Days re-read before the cursor's date, because GA4 keeps revising recent days for up to 48 hours. */
    lookbackDays: z.number().int().min(0).max(30).default(3),
    /** Days read on a connector's first run. */
    backfillDays: z.number().int().min(1).max(3650).default(30),
    /** Report rows per request (the Data API allows 250,000). */
    pageSize: z.number().int().min(1).max(250_000).default(10_000),
    streams: streamChoice(GA4_STREAM_NAMES),
    batchSize: batchSizeSchema,
  })
  .refine((config) => !(config.credentials && config.accessToken), {
    path: ['accessToken'],
    message: 'give either credentials or accessToken, not both',
  });
export type Ga4SourceConfig = z.infer<typeof ga4SourceSchema>;

/**
 * The Data API limits tokens, not requests: 14,000 tokens per project per property per hour on a
 * standard property (the tightest of its quotas), and "most requests charge fewer than 10 tokens",
 * so 1,400 requests an hour. A one-minute cycle spends about two (one realtime snapshot, one page of
 * daily metrics). Spec flow 4: real-time events streamed, hence the one-minute default.
 */
export const ga4Definition = {
  kind: 'ga4',
  title: 'Google Analytics 4',
  config: ga4SourceSchema,
  streams: ga4Streams,
  suites: { daily_metrics: dailyMetricsSuite, realtime_events: realtimeEventsSuite },
  rateLimit: { requests: 1_400, perSeconds: 3_600 },
  defaultSchedule: '1m',
} satisfies SourceDefinition<'ga4', Ga4StreamName>;
