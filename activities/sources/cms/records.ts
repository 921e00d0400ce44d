/**
 * A page of the connector's query: its records, found by the query's records path, and each record
 * as a row by the stream's columns, each column read at its response keys (sys.publishedAt). Pure.
 */
import type { StreamCursor } from '../../../domain/cycle';
import type { StreamDefinition } from '../../../domain/streams/types';
import { rowFromRecord } from '../column-values';
import { ConnectorError } from '../../errors';
import type { Row } from '../types';

export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is at `path` in the answer's data; a list on the way is read item by item. */
export function valuesAt(data: unknown, path: readonly string[]): unknown[] {
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

/** The value at `keys` inside one record; undefined where an object on the way is null or absent. */
export function valueIn(record: Readonly<Record<string, unknown>>, keys: readonly string[]): unknown {
  let value: unknown = record;
  for (const key of keys) {
    if (!isRecord(value)) return undefined;
    value = value[key];
  }
  return value;
}

/** The records of a page; a null item of a list (a node the CMS could not resolve) is no record. */
export const recordsOf = (data: unknown, recordsPath: readonly string[]): Readonly<Record<string, unknown>>[] =>
  valuesAt(data, recordsPath).filter(isRecord);

/** The records as rows, each column read at its response keys. */
export function rowsOf(records: readonly Readonly<Record<string, unknown>>[], stream: StreamDefinition): Row[] {
  const fields = stream.columns.flatMap((c) => (c.sourceField ? [c.sourceField] : []));
  return records.map((record) => {
    const flat = Object.fromEntries(fields.map((field) => [field, valueIn(record, field.split('.'))]));
    return rowFromRecord(flat, stream.columns);
  });
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
