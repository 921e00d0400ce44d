/**
 * GET /projects/{projectId}/data/mentions as Brandwatch answers it: the queries' mentions published
 * between startDate and endDate, ordered, a page at a time, with a `nextCursor` while more remain.
 */
import { z } from 'zod';
import type { Mention } from './mentions';

export class InvalidParameter extends Error {}

const time = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .refine((text) => !Number.isNaN(Date.parse(text)), `${name} must be a date like 2024-05-01T00:00:00.000+0000`)
    .transform((text) => Date.parse(text));

const paramsSchema = z.object({
  queryId: z.array(z.coerce.number().int().positive('queryId must be a query id')).min(1, 'queryId or queryGroupId is required'),
  startDate: time('startDate'),
  endDate: time('endDate'),
  pageSize: z.coerce
    .number()
    .int()
    .min(1, 'pageSize must be between 1 and 5000')
    .max(5000, 'pageSize must be between 1 and 5000')
    .default(10),
  orderBy: z.enum(['date', 'added', 'updated']).default('date'),
  orderDirection: z.enum(['asc', 'desc']).default('desc'),
  cursor: z.string().optional(),
});

const cursorSchema = z.tuple([z.number(), z.string()]);

function decodeCursor(text: string): [number, string] {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidParameter('cursor is not a cursor this endpoint issued');
  }
}

const encodeCursor = (position: [number, string]): string => Buffer.from(JSON.stringify(position)).toString('base64url');

export function queryMentions(all: readonly Mention[], search: URLSearchParams) {
  const parsed = paramsSchema.safeParse({
    queryId: search.getAll('queryId'),
    startDate: search.get('startDate') ?? undefined,
    endDate: search.get('endDate') ?? undefined,
    pageSize: search.get('pageSize') ?? undefined,
    orderBy: search.get('orderBy') ?? undefined,
    orderDirection: search.get('orderDirection') ?? undefined,
    cursor: search.get('cursor') ?? undefined,
  });
  if (!parsed.success) throw new InvalidParameter(parsed.error.issues[0]?.message ?? 'invalid parameters');
  const params = parsed.data;
  const sign = params.orderDirection === 'asc' ? 1 : -1;
  const positionOf = (m: Mention): [number, string] => [Date.parse(String(m[params.orderBy])), m.resourceId ?? ''];
  const compare = (a: [number, string], b: [number, string]): number => sign * (a[0] - b[0] || a[1].localeCompare(b[1]));
  const matching = all
    .filter((m) => params.queryId.includes(m.queryId))
    .filter((m) => {
      const at = Date.parse(m.date);
      return at >= params.startDate && at <= params.endDate;
    })
    .sort((a, b) => compare(positionOf(a), positionOf(b)));
  const after = params.cursor ? decodeCursor(params.cursor) : null;
  const remaining = after ? matching.filter((m) => compare(positionOf(m), after) > 0) : matching;
  const results = remaining.slice(0, params.pageSize);
  const last = results.at(-1);
  return {
    resultsTotal: matching.length,
    resultsPage: 0,
    resultsPageSize: params.pageSize,
    results,
    ...(last && remaining.length > results.length ? { nextCursor: encodeCursor(positionOf(last)) } : {}),
    startDate: new Date(params.startDate).toISOString(),
    endDate: new Date(params.endDate).toISOString(),
  };
}
