/**
 * Google Analytics 4 through the Data API: the daily reports a connector chooses (runReport; by
 * default metrics by traffic source and page), each its own stream and table, and the last 30
 * minutes of events (runRealtimeReport). A report row has no id of its own, so each stream's key is
 * a hash of its dimension values: re-reading a day, or a minute, merges in place. Workflow-safe.
 */
import { z } from 'zod';
import { httpUrlSchema } from '../../../domain/http-url';
import type { StreamColumn, StreamDefinition } from '../../../domain/streams/types';
import { batchSizeSchema, column, snakeCaseColumn, type SourceDefinition } from '../definition';
import dailyMetricsSuite from './suites/daily_metrics.json';
import realtimeEventsSuite from './suites/realtime_events.json';

export const GA4_STREAM_NAMES = ['daily_metrics', 'realtime_events'] as const;
export type Ga4StreamName = (typeof GA4_STREAM_NAMES)[number];
export const REALTIME_STREAM = 'realtime_events';

export interface Ga4Stream extends StreamDefinition {
  /** runReport over days (a chosen report) or runRealtimeReport over the last minutes. */
  readonly report: 'daily' | 'realtime';
  /** Dimension columns in request order: their values make the row's key. */
  readonly dimensions: readonly StreamColumn[];
  readonly metrics: readonly StreamColumn[];
}

/** Distinct users: whole counts, and never additive across rows. */
const USER_COUNTS = ['activeUsers', 'totalUsers', 'newUsers', 'active1DayUsers', 'active7DayUsers', 'active28DayUsers'];

/**
 * Metrics whose values are whole counts; any other is read as a number. GA4's metadata says so too
 * (TYPE_INTEGER), but a stream's columns must be known without asking the property.
 */
const INTEGER_METRICS: ReadonlySet<string> = new Set([
  'sessions',
  ...USER_COUNTS,
  'screenPageViews',
  'eventCount',
  'engagedSessions',
  'transactions',
  'checkouts',
  'addToCarts',
]);

/**
 * Distinct-user counts and ratios: GA4 de-duplicates users across the rows of a report, so the sum
 * of a column over rows over-counts, and a ratio's sum means nothing. Flagged in the stream schema.
 */
export const NON_ADDITIVE_METRICS: ReadonlySet<string> = new Set([
  ...USER_COUNTS,
  'dauPerMau',
  'dauPerWau',
  'wauPerMau',
  'averageSessionDuration',
  'bounceRate',
  'engagementRate',
  'sessionsPerUser',
  'screenPageViewsPerSession',
  'screenPageViewsPerUser',
  'eventsPerSession',
  'userEngagementDuration',
  'sessionKeyEventRate',
  'userKeyEventRate',
]);

const dimensionColumn = (apiName: string): StreamColumn =>
  column(snakeCaseColumn(apiName), apiName === 'date' ? 'date' : 'string', apiName);

function metricColumn(apiName: string): StreamColumn {
  const metric = column(snakeCaseColumn(apiName), INTEGER_METRICS.has(apiName) ? 'integer' : 'number', apiName);
  return NON_ADDITIVE_METRICS.has(apiName) ? { ...metric, nonAdditive: true } : metric;
}

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*(:[A-Za-z0-9_]+)?$/;
const apiNameSchema = z.string().regex(API_NAME, 'must be a Data API dimension or metric name, e.g. sessionCampaignName');

/** One report a connector reads daily: the Data API's limits are 9 dimensions and 10 metrics. */
export const ga4ReportSchema = z.object({
  /** The stream's name; its table is ga4_<name>. */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be snake_case: a lowercase letter, then lowercase letters, digits or _ (40 at most)')
    .refine((name) => name !== REALTIME_STREAM, `${REALTIME_STREAM} is the realtime stream's name`),
  /** Data API dimension names; `date`, the stream's cursor, is added first when left out. */
  dimensions: z.array(apiNameSchema).min(1).max(9),
  metrics: z.array(apiNameSchema).min(1).max(10),
});
export type Ga4Report = z.infer<typeof ga4ReportSchema>;

// keyEvents is what the Data API calls conversions since March 2024 (the old name is deprecated).
/** Today's report, read when a connector chooses none. */
export const DEFAULT_REPORTS: readonly Ga4Report[] = [
  {
    name: 'daily_metrics',
    dimensions: ['date', 'sessionSource', 'sessionMedium', 'pagePath'],
    metrics: ['sessions', 'activeUsers', 'screenPageViews', 'keyEvents'],
  },
];

/** A report's dimensions, `date` first when the report leaves it out. */
const reportDimensions = (report: Ga4Report): string[] =>
  report.dimensions.includes('date') ? [...report.dimensions] : ['date', ...report.dimensions];

/** The stream a chosen report is read into. */
export function reportStream(report: Ga4Report): Ga4Stream {
  const dimensions = reportDimensions(report).map(dimensionColumn);
  const metrics = report.metrics.map(metricColumn);
  return {
    name: report.name,
    table: `ga4_${report.name}`,
    report: 'daily',
    primaryKey: 'id',
    cursorColumn: 'date',
    dimensions,
    metrics,
    columns: [column('id', 'string'), ...dimensions, ...metrics, column('read_at', 'timestamp')],
  };
}

/** Two names of a report that land in the same column, or a name that takes a column the stream keeps for itself. */
function reportColumnClashes(report: Ga4Report): string[] {
  const seen = new Map<string, string>([
    ['id', 'the row key'],
    ['read_at', 'the read time'],
  ]);
  const clashes: string[] = [];
  for (const apiName of [...reportDimensions(report), ...report.metrics]) {
    const name = snakeCaseColumn(apiName);
    const taken = seen.get(name);
    if (taken !== undefined) clashes.push(`${apiName} lands in column ${name}, as ${taken} does`);
    seen.set(name, apiName);
  }
  return clashes;
}

/** `minute` is derived from the poll time and `minutesAgo`; the other dimensions are GA4's own. */
const realtimeDimensions = [
  column('event_name', 'string', 'eventName'),
  column('platform', 'string', 'platform'),
  column('country', 'string', 'country'),
];
const realtimeMetrics = [metricColumn('eventCount'), metricColumn('activeUsers')];

const realtimeStream: Ga4Stream = {
  name: REALTIME_STREAM,
  table: 'ga4_realtime_events',
  report: 'realtime',
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
};

/** A connector's streams: its reports and the realtime stream. */
export function ga4StreamsOf(config: { reports: readonly Ga4Report[] }): Record<string, Ga4Stream> {
  return Object.fromEntries([...config.reports.map(reportStream), realtimeStream].map((stream) => [stream.name, stream]));
}

/** The streams of a connector that chooses no report. */
export const ga4Streams = ga4StreamsOf({ reports: DEFAULT_REPORTS }) as Record<Ga4StreamName, Ga4Stream>;

/** Report names unique, their fields apart in the table, and every stream named one of the connector's. */
function refuseUnfitReports(config: { reports: Ga4Report[]; streams: string[] }, ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  config.reports.forEach((report, index) => {
    if (names.has(report.name))
      ctx.addIssue({ code: 'custom', path: ['reports', index, 'name'], message: `is the name of an earlier report` });
    names.add(report.name);
    for (const clash of reportColumnClashes(report)) ctx.addIssue({ code: 'custom', path: ['reports', index], message: clash });
  });
  const known = [...names, REALTIME_STREAM];
  config.streams.forEach((stream, index) => {
    if (!known.includes(stream))
      ctx.addIssue({ code: 'custom', path: ['streams', index], message: `is not one of this connector's streams: ${known.join(', ')}` });
  });
}

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
    apiEndpoint: httpUrlSchema.optional(),
    /** Analytics 360 properties have ten times the token quota of standard ones. */
    propertyTier: z.enum(['standard', '360']).default('standard'),
    /** Days re-read before the cursor's date, because GA4 keeps revising recent days for up to 48 hours. */
    lookbackDays: z.number().int().min(0).max(30).default(3),
    /** Days read on a connector's first run. */
    backfillDays: z.number().int().min(1).max(3650).default(30),
    /** Report rows per request (the Data API allows 250,000). */
    pageSize: z.number().int().min(1).max(250_000).default(10_000),
    /** The daily reports read, each its own stream; the property's metadata must have their fields. */
    reports: z
      .array(ga4ReportSchema)
      .min(1)
      .max(20)
      .default(() => DEFAULT_REPORTS.map((report) => ({ ...report }))),
    /** The streams read (report names, realtime_events); left out: every report and realtime_events. */
    streams: z.array(z.string()).min(1).default([]),
    batchSize: batchSizeSchema,
  })
  .refine((config) => !(config.credentials && config.accessToken), {
    path: ['accessToken'],
    message: 'give either credentials or accessToken, not both',
  })
  .superRefine(refuseUnfitReports)
  .overwrite((config) =>
    config.streams.length > 0 ? config : { ...config, streams: [...config.reports.map((report) => report.name), REALTIME_STREAM] },
  );
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
  streamsOf: (config: Ga4SourceConfig) => ga4StreamsOf(config),
  suites: { daily_metrics: dailyMetricsSuite, realtime_events: realtimeEventsSuite },
  rateLimit: { requests: 1_400, perSeconds: 3_600 },
  defaultSchedule: '1m',
} satisfies SourceDefinition<'ga4', Ga4StreamName, Ga4SourceConfig>;
