/**
 * The two ways a CMS query pages. By cursor: $first and $after, the next page from Relay's pageInfo.
 * By offset: $skip and $limit — and, where the query filters by $updatedSince, each page starts at
 * the last record's cursor value and skips only records read at that very instant. Plain offsets
 * shift under a read: a record updated meanwhile moves to the end, every later record one place
 * back, and the record at the page boundary is missed (a deep offset is also what Contentful and
 * Strapi answer slowest). Within one instant an update can still shift records, so a page steps
 * back a few records there (OVERLAP) and drops those up to the last one read: a shift of up to
 * that many costs nothing, and a larger one repeats records rather than missing any. Pure.
 */
import { z } from 'zod';
import type { StreamCursor } from '../../../domain/cycle';
import { ConnectorError } from '../../errors';
import { parseBody } from '../http-kit';
import { CMS_QUERY_CALL } from './graphql-request';
import type { CmsQuery } from './query';
import { recordsOf, valueIn, valuesAt } from './records';

/** Where an offset read stands: the cursor value it filters from (null: no filter), how many it skips, the last key read there. */
interface OffsetPosition {
  since: string | null;
  skip: number;
  lastKey?: string;
}

/** Records a page re-reads of those read at its starting instant, at most (and under half a page, so each page gets on). */
const OVERLAP = 10;

/** An offset read's first filter: the epoch, since a null filter means "no filter" to some CMSs and an error to others. */
const FROM_THE_START = '1970-01-01T00:00:00.000Z';
const positionSchema = z.object({ since: z.string().nullable(), skip: z.number().int().min(0), lastKey: z.string().optional() });

const encodeOffset = (at: OffsetPosition): string => Buffer.from(JSON.stringify(at)).toString('base64url');

function decodeOffset(token: string): OffsetPosition {
  try {
    return positionSchema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw new ConnectorError('system', `the CMS read was handed a page token it did not make: ${token.slice(0, 40)}`);
  }
}

/** The variables of a read's page: from the last page's token, else the stream's cursor. */
export function pageVariables(
  query: CmsQuery,
  takesUpdatedSince: boolean,
  pageSize: number,
  pageToken: string | null,
  cursor: StreamCursor | null,
): Record<string, string | number | null> {
  if (query.paging.kind === 'cursor') return { first: pageSize, after: pageToken, updatedSince: cursor?.value ?? null };
  const at =
    pageToken !== null ? decodeOffset(pageToken) : { skip: 0, since: takesUpdatedSince ? (cursor?.value ?? FROM_THE_START) : null };
  return { skip: at.skip, limit: pageSize, ...(at.since === null ? {} : { updatedSince: at.since }) };
}

const pageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const totalSchema = z.number().int().min(0);

const sameInstant = (a: unknown, b: string): boolean => typeof a === 'string' && Date.parse(a) === Date.parse(b);

function nextOffset(query: CmsQuery & { paging: { kind: 'offset' } }, data: unknown, variables: Record<string, unknown>): string | null {
  const records = recordsOf(data, query.recordsPath);
  const skip = Number(variables.skip);
  const since = typeof variables.updatedSince === 'string' ? variables.updatedSince : null;
  const { totalPath } = query.paging;
  const total = totalPath === null ? null : parseBody(totalSchema, valuesAt(data, totalPath)[0], CMS_QUERY_CALL);
  const more = total === null ? records.length >= Number(variables.limit) : skip + records.length < total;
  const last = records.at(-1);
  if (!more || last === undefined) return null;
  if (since === null) return encodeOffset({ since: null, skip: skip + records.length });
  const lastAt = valueIn(last, query.cursorField);
  if (typeof lastAt !== 'string' || Number.isNaN(Date.parse(lastAt))) {
    throw new ConnectorError('system', `the CMS answered a record whose ${query.cursorField.join('.')} is not a time`);
  }
  const atLastInstant = records.filter((record) => sameInstant(valueIn(record, query.cursorField), lastAt)).length;
  const readThere = atLastInstant + (sameInstant(since, lastAt) ? skip : 0);
  const overlap = Math.min(OVERLAP, Math.floor((Number(variables.limit) - 1) / 2), readThere);
  return encodeOffset({ since: lastAt, skip: readThere - overlap, lastKey: String(valueIn(last, query.primaryKey)) });
}

/**
 * The records of an offset page not read before: a page that stepped back drops those up to the
 * last key read; when that record has moved away meanwhile, the page keeps them all.
 */
export function unreadRecords<R extends Readonly<Record<string, unknown>>>(
  query: CmsQuery,
  records: readonly R[],
  pageToken: string | null,
): readonly R[] {
  if (query.paging.kind !== 'offset' || pageToken === null) return records;
  const { since, lastKey } = decodeOffset(pageToken);
  if (since === null || lastKey === undefined) return records;
  const lastRead = records.findIndex(
    (record) => sameInstant(valueIn(record, query.cursorField), since) && String(valueIn(record, query.primaryKey)) === lastKey,
  );
  return records.slice(lastRead + 1);
}

/** Where the read goes on from this page, or null once it has read everything. */
export function nextPageToken(query: CmsQuery, data: unknown, variables: Record<string, unknown>): string | null {
  if (query.paging.kind === 'offset') return nextOffset({ ...query, paging: query.paging }, data, variables);
  const pageInfo = parseBody(pageInfoSchema, valuesAt(data, query.paging.pageInfoPath)[0], CMS_QUERY_CALL);
  if (!pageInfo.hasNextPage) return null;
  if (!pageInfo.endCursor) throw new ConnectorError('system', 'the CMS said more records follow but gave no endCursor');
  return pageInfo.endCursor;
}
