/**
 * The query parameters the read APIs share: a time window, a connector, a page. Dates are UTC days;
 * `to` is inclusive, so `from=2026-01-01&to=2026-01-31` is the whole of January.
 */
import { z } from 'zod';
import { jsonOrUndefined } from '../domain/json-input';
import { invalidRequest } from './validation';

const DAY_MS = 86_400_000;

/** A UTC day or an instant; a day given as `from` starts at its midnight, as `to` ends at the next. */
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'must be an ISO-8601 date (YYYY-MM-DD) or date-time',
});

export const windowQuerySchema = z.object({
  from: instant.optional().describe('start of the window (inclusive): YYYY-MM-DD or an ISO-8601 date-time'),
  to: instant.optional().describe('end of the window (inclusive): YYYY-MM-DD or an ISO-8601 date-time'),
});

/** A count from the query string: documented as the integer it is, read from its digits. */
const pageLimit = z.preprocess(
  (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
  z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1).max(1000),
);

export const pageQuerySchema = z.object({
  limit: pageLimit.default(100).describe('entries per page, 1 to 1000 (100)'),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,1000}$/, 'must be the nextCursor of a previous page')
    .optional()
    .describe("the previous page's nextCursor"),
});

export const connectorFilterSchema = z.object({
  connectorId: z.uuid({ error: 'must be a UUID' }).optional().describe('only this connector'),
});

/** connector, window and page: the filter every history list takes. */
export const historyQuerySchema = connectorFilterSchema.extend(windowQuerySchema.shape).extend(pageQuerySchema.shape);
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

export interface TimeWindow {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

const isDay = (value: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(value);

/** The window as instants; without `from`, `defaultDays` days back from `to`; without `to`, now. A `from` after `to` is a 400. */
export function resolveWindow(
  query: { from?: string | undefined; to?: string | undefined },
  defaultDays: number,
  now = new Date(),
): TimeWindow {
  const to = query.to === undefined ? now : isDay(query.to) ? new Date(Date.parse(query.to) + DAY_MS) : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - defaultDays * DAY_MS) : new Date(query.from);
  if (from.getTime() > to.getTime()) throw windowOutOfOrder();
  return { from, to };
}

export const windowOutOfOrder = () =>
  invalidRequest('query parameters', [{ path: 'from', rule: 'window_order', message: 'must not be after to' }]);

/** The UTC days a window touches, first and last, as YYYY-MM-DD. */
export function dayRangeOf({ from, to }: TimeWindow): { from: string; to: string } {
  return { from: from.toISOString().slice(0, 10), to: new Date(Math.max(from.getTime(), to.getTime() - 1)).toISOString().slice(0, 10) };
}

/** A page cursor: the sort key of the page's last entry, opaque to clients. */
export const encodeCursor = (key: readonly (string | number)[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** A page's sort key, as each list keeps it. */
export type CursorKey = z.ZodType<(string | number)[]>;

/** The key a cursor holds, checked against the list's key; a cursor no page of that list gave is refused with 400 naming it. */
export function decodeCursor(cursor: string | undefined, key: CursorKey): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  const parsed = key.safeParse(jsonOrUndefined(Buffer.from(cursor, 'base64url').toString()));
  if (parsed.success) return parsed.data;
  throw invalidRequest('query parameters', [
    { path: 'cursor', message: 'must be the nextCursor of a previous page of this list', rule: 'invalid_cursor' },
  ]);
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last page'),
  });
