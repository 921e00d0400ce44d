/**
 * runReport and runRealtimeReport over the simulated property, as the Data API answers them: the
 * requested dimensions group the facts (metrics summed), orderBys sort, offset and limit page, all
 * values are strings, and an empty report has no `rows` and no `rowCount`.
 */
import { z } from 'zod';
import { ga4Date, MINUTE_MS, type RealtimeFact, type ReportedDailyFact } from './property';
import { BadRequest } from './wire';

const int64 = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);
const named = z.array(z.object({ name: z.string().min(1) }));
const orderBySchema = z.object({
  dimension: z.object({ dimensionName: z.string() }).optional(),
  metric: z.object({ metricName: z.string() }).optional(),
  desc: z.boolean().optional(),
});

export const runReportSchema = z.object({
  dimensions: named.default([]),
  metrics: named.min(1, 'at least one metric is required'),
  dateRanges: z.array(z.object({ startDate: z.string(), endDate: z.string() })).length(1, 'the simulator serves one date range'),
  offset: int64.default(0),
  limit: int64.default(10_000),
  orderBys: z.array(orderBySchema).default([]),
  returnPropertyQuota: z.boolean().default(false),
});

export const runRealtimeReportSchema = z.object({
  dimensions: named.default([]),
  metrics: named.min(1, 'at least one metric is required'),
  minuteRanges: z
    .array(z.object({ startMinutesAgo: z.number().int().min(0).optional(), endMinutesAgo: z.number().int().min(0).optional() }))
    .max(1)
    .default([]),
  limit: int64.default(10_000),
  returnPropertyQuota: z.boolean().default(false),
});

type Value = string | number;
type Fact = Readonly<Record<string, Value>>;

/** The property's dimensions for runReport, with the category GA4's metadata files them under. */
export const DAILY_DIMENSIONS: Readonly<Record<string, string>> = {
  date: 'Time',
  sessionSource: 'Traffic source',
  sessionMedium: 'Traffic source',
  sessionCampaignName: 'Traffic source',
  sessionDefaultChannelGroup: 'Traffic source',
  pagePath: 'Page / screen',
  deviceCategory: 'Platform / device',
};
export const DAILY_METRICS: Readonly<Record<string, 'TYPE_INTEGER' | 'TYPE_FLOAT'>> = {
  sessions: 'TYPE_INTEGER',
  activeUsers: 'TYPE_INTEGER',
  totalUsers: 'TYPE_INTEGER',
  newUsers: 'TYPE_INTEGER',
  engagedSessions: 'TYPE_INTEGER',
  screenPageViews: 'TYPE_INTEGER',
  keyEvents: 'TYPE_FLOAT',
};
const REALTIME_DIMENSIONS = ['minutesAgo', 'eventName', 'platform', 'country'];
const REALTIME_METRICS: Readonly<Record<string, 'TYPE_INTEGER'>> = { eventCount: 'TYPE_INTEGER', activeUsers: 'TYPE_INTEGER' };
/** A standard property's realtime window. */
export const REALTIME_WINDOW_MINUTES = 30;

const SCHEMA_URL =
  'For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema';

function checkNames(requested: { name: string }[], known: readonly string[], kind: 'dimension' | 'metric'): string[] {
  return requested.map(({ name }) => {
    if (!known.includes(name)) throw new BadRequest(`Field ${name} is not a valid ${kind}. ${SCHEMA_URL}`);
    return name;
  });
}

const DAY_MS = 86_400_000;

/** GA4's date forms: YYYY-MM-DD, today, yesterday, NdaysAgo; in the property's zone (UTC here). */
function resolveDate(text: string, now: number): string {
  if (text === 'today') return ga4Date(now);
  if (text === 'yesterday') return ga4Date(now - DAY_MS);
  const ago = /^(\d+)daysAgo$/.exec(text);
  if (ago) return ga4Date(now - Number(ago[1]) * DAY_MS);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text))) return text.replaceAll('-', '');
  throw new BadRequest(`Invalid date: ${text}. Dates must be YYYY-MM-DD, today, yesterday or NdaysAgo.`);
}

interface Table {
  dimensions: string[];
  metrics: string[];
  rows: { dims: string[]; values: number[] }[];
}

/** Groups facts by the requested dimensions, summing each metric. */
function aggregate(facts: readonly Fact[], dimensions: string[], metrics: string[]): Table {
  const groups = new Map<string, { dims: string[]; values: number[] }>();
  for (const fact of facts) {
    const dims = dimensions.map((d) => String(fact[d]));
    const key = JSON.stringify(dims);
    const group = groups.get(key) ?? { dims, values: metrics.map(() => 0) };
    metrics.forEach((m, i) => {
      group.values[i] = (group.values[i] ?? 0) + Number(fact[m] ?? 0);
    });
    groups.set(key, group);
  }
  return { dimensions, metrics, rows: [...groups.values()] };
}

function sortTable(table: Table, orderBys: z.infer<typeof orderBySchema>[]): void {
  const comparators = orderBys.map((order) => {
    const sign = order.desc ? -1 : 1;
    if (order.dimension) {
      const i = table.dimensions.indexOf(order.dimension.dimensionName);
      if (i < 0) throw new BadRequest(`orderBys names ${order.dimension.dimensionName}, which the request does not select`);
      return (a: Table['rows'][number], b: Table['rows'][number]) => sign * (a.dims[i] ?? '').localeCompare(b.dims[i] ?? '', 'en');
    }
    const name = order.metric?.metricName ?? '';
    const i = table.metrics.indexOf(name);
    if (i < 0) throw new BadRequest(`orderBys names ${name}, which the request does not select`);
    return (a: Table['rows'][number], b: Table['rows'][number]) => sign * ((a.values[i] ?? 0) - (b.values[i] ?? 0));
  });
  table.rows.sort((a, b) => comparators.reduce((result, compare) => result || compare(a, b), 0));
}

const formatMetric = (value: number, type: string): string => (type === 'TYPE_INTEGER' ? String(Math.round(value)) : String(value));

/** The response body, without propertyQuota; `returned` says how many rows it holds (for the token cost). */
function responseOf(table: Table, types: Readonly<Record<string, string>>, offset: number, limit: number, kind: string) {
  const page = table.rows.slice(offset, offset + limit);
  return {
    returned: page.length,
    body: {
      dimensionHeaders: table.dimensions.map((name) => ({ name })),
      metricHeaders: table.metrics.map((name) => ({ name, type: types[name] ?? 'TYPE_INTEGER' })),
      ...(page.length > 0
        ? {
            rows: page.map((row) => ({
              dimensionValues: row.dims.map((value) => ({ value })),
              metricValues: row.values.map((value, i) => ({ value: formatMetric(value, types[table.metrics[i] ?? ''] ?? 'TYPE_INTEGER') })),
            })),
          }
        : {}),
      ...(table.rows.length > 0 ? { rowCount: table.rows.length } : {}),
      metadata: { currencyCode: 'USD', timeZone: 'Etc/UTC' },
      kind,
    },
  };
}

export function runReport(facts: readonly ReportedDailyFact[], request: z.infer<typeof runReportSchema>, now: number) {
  const dimensions = checkNames(request.dimensions, Object.keys(DAILY_DIMENSIONS), 'dimension');
  const metrics = checkNames(request.metrics, Object.keys(DAILY_METRICS), 'metric');
  const [range] = request.dateRanges;
  const start = resolveDate(range?.startDate ?? 'today', now);
  const end = resolveDate(range?.endDate ?? 'today', now);
  if (start > end) throw new BadRequest('The date range startDate is after endDate.');
  if (request.limit < 1 || request.limit > 250_000) throw new BadRequest('limit must be between 1 and 250000.');
  const inRange = facts.filter((fact) => fact.date >= start && fact.date <= end).map((fact): Fact => ({ ...fact }));
  const table = aggregate(inRange, dimensions, metrics);
  sortTable(table, request.orderBys);
  return responseOf(table, DAILY_METRICS, request.offset, request.limit, 'analyticsData#runReport');
}

export function runRealtimeReport(facts: readonly RealtimeFact[], request: z.infer<typeof runRealtimeReportSchema>, now: number) {
  const dimensions = checkNames(request.dimensions, REALTIME_DIMENSIONS, 'dimension');
  const metrics = checkNames(request.metrics, Object.keys(REALTIME_METRICS), 'metric');
  const range = request.minuteRanges[0] ?? {};
  const from = range.startMinutesAgo ?? REALTIME_WINDOW_MINUTES - 1;
  const to = range.endMinutesAgo ?? 0;
  if (from > REALTIME_WINDOW_MINUTES - 1)
    throw new BadRequest(`startMinutesAgo must be at most ${REALTIME_WINDOW_MINUTES - 1} on a standard property.`);
  if (to > from) throw new BadRequest('endMinutesAgo must not exceed startMinutesAgo.');
  const currentMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const inWindow = facts.flatMap((fact): Fact[] => {
    const ago = (currentMinute - fact.minute) / MINUTE_MS;
    if (ago < to || ago > from) return [];
    return [{ ...fact, minutesAgo: String(ago).padStart(2, '0') }];
  });
  const table = aggregate(inWindow, dimensions, metrics);
  sortTable(
    table,
    dimensions.map((dimensionName) => ({ dimension: { dimensionName } })),
  );
  return responseOf(table, REALTIME_METRICS, 0, request.limit, 'analyticsData#runRealtimeReport');
}

/** The property's Metadata, as getMetadata answers it: every dimension and metric runReport accepts. */
export function metadataOf(propertyId: string) {
  const uiName = (apiName: string): string => apiName.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
  return {
    name: `properties/${propertyId}/metadata`,
    dimensions: Object.entries(DAILY_DIMENSIONS).map(([apiName, category]) => ({
      apiName,
      uiName: uiName(apiName),
      description: `${uiName(apiName)} of the session.`,
      category,
      customDefinition: false,
    })),
    metrics: Object.entries(DAILY_METRICS).map(([apiName, type]) => ({
      apiName,
      uiName: uiName(apiName),
      description: `${uiName(apiName)} in the date range.`,
      type,
      category: apiName.endsWith('Users') ? 'User' : 'Session',
      customDefinition: false,
    })),
  };
}
