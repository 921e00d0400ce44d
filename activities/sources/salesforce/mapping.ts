/**
 * One Salesforce record → one warehouse row. Pure; a missing or null field stays null, and a value of
 * another type than its column's is kept aside for the quality gate to quarantine the row.
 */
import type { StreamColumn } from '../../../domain/streams/types';
import { isPlainUtcInstant } from '../../quality/instants';
import { sourceFieldOf } from '../definition';
import { markUnconvertible, type Row } from '../types';
import type { SalesforceStream } from './definition';

/** What a converter gives for a value its column cannot take: a marker, not an object per value (this runs per cell). */
const UNCONVERTIBLE = Symbol('unconvertible');
type Converter = (value: unknown) => unknown;

const toNumber: Converter = (v) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : UNCONVERTIBLE;
};

/**
 * Salesforce writes 2024-05-01T12:00:00.000+0000 (REST) or …Z (Bulk API); the warehouse gets
 * ISO-8601 in UTC, as `new Date(Date.parse(v)).toISOString()` gives it. That form with its fields in
 * range is that text already (less the zone's digits); anything else takes Date.parse, whose rolling
 * over of 02-30 or 24:00 to the next day the plain form never meets.
 */
function salesforceTimestamp(v: unknown): unknown {
  if (typeof v !== 'string') return UNCONVERTIBLE;
  if (isPlainUtcInstant(v)) return v.length === 24 ? v : `${v.slice(0, 23)}Z`;
  const at = Date.parse(v);
  return Number.isNaN(at) ? UNCONVERTIBLE : new Date(at).toISOString();
}

const converters: Record<StreamColumn['type'], Converter> = {
  string: (v) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : UNCONVERTIBLE),
  number: toNumber,
  integer: (v) => {
    const n = toNumber(v);
    return Number.isInteger(n) ? n : UNCONVERTIBLE;
  },
  boolean: (v) => (typeof v === 'boolean' ? v : v === 'true' || v === 'false' ? v === 'true' : UNCONVERTIBLE),
  timestamp: salesforceTimestamp,
  date: (v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : UNCONVERTIBLE),
  json: (v) => v,
};

/** One value into its column of the row: converted, null, or kept aside as unconvertible. */
function putValue(row: Row, column: StreamColumn, convert: Converter, raw: unknown): void {
  if (raw === null || raw === undefined) {
    row[column.name] = null;
    return;
  }
  const converted = convert(raw);
  if (converted === UNCONVERTIBLE) markUnconvertible(row, column.name, raw);
  else row[column.name] = converted;
}

export function mapSalesforceRecord(stream: SalesforceStream, record: Readonly<Record<string, unknown>>): Row {
  const row: Row = {};
  for (const column of stream.columns) putValue(row, column, converters[column.type], record[sourceFieldOf(column)]);
  return row;
}

/**
 * The rows of a Bulk API CSV chunk, each given as its values in the header's order: the header and
 * the converters are looked up once per chunk, not per row. An empty value is a null (Salesforce
 * stores no empty strings); a field the header lacks is null, as a missing field of a REST record is.
 */
export function csvRowMapper(stream: SalesforceStream, header: readonly string[]): (values: readonly string[]) => Row {
  const cells = stream.columns.map((column) => ({ column, at: header.indexOf(sourceFieldOf(column)), convert: converters[column.type] }));
  return (values) => {
    const row: Row = {};
    for (const { column, at, convert } of cells) {
      const raw = at === -1 ? undefined : values[at];
      putValue(row, column, convert, raw === '' ? null : raw);
    }
    return row;
  };
}
