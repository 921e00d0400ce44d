/**
 * A source record as a warehouse row, column by column, by each column's type. Lenient where the
 * quality gate judges: an unreadable timestamp is kept as sent (the timestamp rules quarantine it),
 * and a value that cannot take its column's type is held under UNCONVERTIBLE, so one odd value costs
 * its row, not the whole extract. Pure.
 */
import type { StreamColumn } from '../../domain/streams/types';
import { markUnconvertible, type Row } from './types';

const NOT_CONVERTIBLE = Symbol('not convertible');

function convert(column: StreamColumn, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (column.type) {
    case 'timestamp': {
      const at = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      return Number.isNaN(at) ? String(raw) : new Date(at).toISOString();
    }
    case 'integer':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      return Number.isFinite(n) && (column.type === 'number' || Number.isInteger(n)) ? n : NOT_CONVERTIBLE;
    }
    case 'boolean':
      return typeof raw === 'boolean' ? raw : NOT_CONVERTIBLE;
    case 'json':
      return raw;
    default:
      return typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : JSON.stringify(raw);
  }
}

/** The columns read from the record (those with a `sourceField`); other columns are the caller's. */
export function rowFromRecord(record: Readonly<Record<string, unknown>>, columns: readonly StreamColumn[]): Row {
  const row: Row = {};
  for (const column of columns) {
    if (!column.sourceField) continue;
    const raw = record[column.sourceField];
    const value = convert(column, raw);
    if (value === NOT_CONVERTIBLE) markUnconvertible(row, column.name, raw);
    else row[column.name] = value;
  }
  return row;
}
