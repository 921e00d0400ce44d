/**
 * The two Data API requests the streams make. A daily read pins its date range in the page token, so
 * every page of one read asks for the same report and offsets stay meaningful past midnight.
 */
import { z } from 'zod';
import type { StreamCursor } from '../../../domain/cycle';
import type { Ga4SourceConfig, Ga4Stream } from './definition';
import { DAY_MS, parsePageToken, restartAt } from '../read-window';
import { sourceFieldOf } from '../definition';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const dailyPageTokenSchema = z.object({ startDate: isoDate, endDate: isoDate, offset: z.number().int().min(0) });
export type DailyPageToken = z.infer<typeof dailyPageTokenSchema>;

const dateOf = (at: number): string => new Date(at).toISOString().slice(0, 10);

/**
 * Where a read starts: `lookbackDays` before the cursor's date, because GA4 revises recent days
 * (re-read rows merge by key), or `backfillDays` back on a first run. Dates are UTC days.
 */
export function firstDailyPage(config: Ga4SourceConfig, cursor: StreamCursor | null, now: Date): DailyPageToken {
  const endDate = dateOf(now.getTime());
  if (!cursor) return { startDate: dateOf(now.getTime() - (config.backfillDays - 1) * DAY_MS), endDate, offset: 0 };
  const at = isoDate.safeParse(cursor.value).success ? Date.parse(`${cursor.value}T00:00:00Z`) : Number.NaN;
  const start = restartAt(at, config.lookbackDays, now, 'the stored cursor of a GA4 report stream is not a date');
  return { startDate: dateOf(start), endDate, offset: 0 };
}

export function parseDailyPageToken(token: string): DailyPageToken {
  return parsePageToken(dailyPageTokenSchema, token, 'GA4');
}

const names = (columns: Ga4Stream['dimensions']): { name: string }[] => columns.map((c) => ({ name: sourceFieldOf(c) }));

/** Ordered by every dimension, date first: offsets then page through one stable sequence. */
export function dailyReportRequest(config: Ga4SourceConfig, stream: Ga4Stream, page: DailyPageToken) {
  return {
    property: `properties/${config.propertyId}`,
    dimensions: names(stream.dimensions),
    metrics: names(stream.metrics),
    dateRanges: [{ startDate: page.startDate, endDate: page.endDate }],
    orderBys: stream.dimensions.map((c) => ({ dimension: { dimensionName: sourceFieldOf(c) } })),
    offset: page.offset,
    limit: config.pageSize,
    returnPropertyQuota: true,
  };
}

/** Standard properties see the last 30 minutes, Analytics 360 the last 60. */
const REALTIME_MINUTES = { standard: 30, '360': 60 } as const;

export function realtimeReportRequest(config: Ga4SourceConfig, stream: Ga4Stream) {
  return {
    property: `properties/${config.propertyId}`,
    dimensions: [{ name: 'minutesAgo' }, ...names(stream.dimensions)],
    metrics: names(stream.metrics),
    minuteRanges: [{ startMinutesAgo: REALTIME_MINUTES[config.propertyTier] - 1, endMinutesAgo: 0 }],
    limit: config.pageSize,
    returnPropertyQuota: true,
  };
}
