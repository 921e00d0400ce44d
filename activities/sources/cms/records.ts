/**
 * A page of the connector's query: its records and its page info, found by the query's paths, and
 * each record as a row by the stream's columns. Pure.
 */
import { z } from 'zod';
import type { StreamCursor } from '../../../domain/cycle';
import type { StreamDefinition } from '../../../domain/streams/types';
import { rowFromRecord } from '../column-values';
import { ConnectorError } from '../../errors';
import { parseBody } from '../http-kit';
import type { Row } from '../types';
import { CMS_QUERY_CALL } from './graphql-request';
import type { CmsQuery } from './query';

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is at `path` in the answer's data; a list on the way is read item by item. */
function valuesAt(data: unknown, path: readonly string[]): unknown[] {
  let level: unknown[] = [data];
  path.forEach((key, depth) => {
    level = level.flatMap((value) => {
      if (!isRecord(value) || value[key] === undefined) {
        throw new ConnectorError('system', `the CMS answered the connector's query without ${path.slice(0, depth + 1).join('.')}`);
      }
      const child = value[key];
      return Array.isArray(child) ? child : [child];
    });
  });
  return level;
}

const pageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
export type PageInfo = z.infer<typeof pageInfoSchema>;

export function pageInfoOf(data: unknown, query: CmsQuery): PageInfo {
  const [pageInfo] = valuesAt(data, query.pageInfoPath);
  return parseBody(pageInfoSchema, pageInfo, CMS_QUERY_CALL);
}

/** The records as rows; a null item of a list (a node the CMS could not resolve) is no record. */
export function rowsOf(data: unknown, query: CmsQuery, stream: StreamDefinition): Row[] {
  return valuesAt(data, query.recordsPath)
    .filter(isRecord)
    .map((record) => rowFromRecord(record, stream.columns));
}

/**
 * `updatedSince` is inclusive (and a query may not filter at all), so rows up to the cursor come
 * back; those up to the cursor's key were read already.
 */
export function isAfterCursor(row: Row, cursor: StreamCursor | null, stream: StreamDefinition): boolean {
  if (cursor === null) return true;
  const at = Date.parse(String(row[stream.cursorColumn]));
  const cursorAt = Date.parse(cursor.value);
  if (at !== cursorAt) return at > cursorAt;
  return String(row[stream.primaryKey]) > cursor.lastKey;
}
