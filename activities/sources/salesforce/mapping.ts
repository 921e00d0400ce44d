/**
 * One Salesforce record → one warehouse row. Pure; a missing or null field stays null, and a value of
 * another type than its column's is kept aside for the quality gate to quarantine the row.
 */
import type { StreamColumn } from '../../../domain/streams/types';
import { sourceFieldOf } from '../definition';
import { markUnconvertible, type Row } from '../types';
import type { SalesforceStream } from './definition';

type Converter = (value: unknown) => { ok: true; value: unknown } | { ok: false };
const ok = (value: unknown): { ok: true; value: unknown } => ({ ok: true, value });
const NOT_OK = { ok: false } as const;

const toNumber: Converter = (v) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? ok(n) : NOT_OK;
};

const converters: Record<StreamColumn['type'], Converter> = {
  string: (v) => (typeof v === 'string' ? ok(v) : typeof v === 'number' || typeof v === 'boolean' ? ok(String(v)) : NOT_OK),
  number: toNumber,
  integer: (v) => {
    const n = toNumber(v);
    return n.ok && Number.isInteger(n.value) ? n : NOT_OK;
  },
  boolean: (v) => (typeof v === 'boolean' ? ok(v) : v === 'true' || v === 'false' ? ok(v === 'true') : NOT_OK),
  // Salesforce writes 2024-05-01T12:00:00.000+0000; the warehouse gets ISO-8601 in UTC.
  timestamp: (v) => {
    const at = typeof v === 'string' ? Date.parse(v) : Number.NaN;
    return Number.isNaN(at) ? NOT_OK : ok(new Date(at).toISOString());
  },
  date: (v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? ok(v) : NOT_OK),
  json: (v) => ok(v),
};

/** One value into its column of the row: converted, null, or kept aside as unconvertible. */
function putValue(row: Row, column: StreamColumn, raw: unknown): void {
  if (raw === null || raw === undefined) {
    row[column.name] = null;
    return;
  }
  const converted = converters[column.type](raw);
  if (converted.ok) row[column.name] = converted.value;
  else markUnconvertible(row, column.name, raw);
}

export function mapSalesforceRecord(stream: SalesforceStream, record: Readonly<Record<string, unknown>>): Row {
  const row: Row = {};
  for (const column of stream.columns) putValue(row, column, record[sourceFieldOf(column)]);
  return row;
}

/**
 * The rows of a Bulk API CSV chunk, each given as its values in the header's order: the header is
 * looked up once per chunk, not per row. An empty value is a null (Salesforce stores no empty
 * strings); a field the header lacks is null, as a missing field of a REST record is.
 */
export function csvRowMapper(stream: SalesforceStream, header: readonly string[]): (values: readonly string[]) => Row {
  const positions = stream.columns.map((column) => [column, header.indexOf(sourceFieldOf(column))] as const);
  return (values) => {
    const row: Row = {};
    for (const [column, at] of positions) {
      const raw = at === -1 ? undefined : values[at];
      putValue(row, column, raw === '' ? null : raw);
    }
    return row;
  };
}
