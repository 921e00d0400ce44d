/**
 * `findHeldValues`, the part every plug-in shares: the lookup is checked as an `in` delete predicate
 * and cut into statements of a bounded size; each plug-in renders the condition with its own
 * placeholders and runs `heldValuesSelect` (see matching-rows.ts), and the rows are read back through
 * `heldValuesOf`, so every warehouse answers in the same forms.
 */
import type { ColumnType, StreamDefinition } from '../../domain/streams/types';
import { resolveDeletePredicate, type ResolvedPredicate } from './predicate';
import { quoteIdentifier } from './sql';
import type { HeldValue, PredicateValue } from './types';

/**
 * Values bound in one lookup statement: well below the parameter limits of every warehouse
 * (BigQuery's 10,000 query parameters are the lowest), and a statement of a few kilobytes.
 */
export const HELD_VALUES_PER_STATEMENT = 500;

/** The checked lookups for `values`, distinct, at most HELD_VALUES_PER_STATEMENT each; none for no value. */
export function heldValuesLookups(stream: StreamDefinition, column: string, values: readonly PredicateValue[]): ResolvedPredicate[] {
  const distinct = [...new Set(values)];
  const lookups: ResolvedPredicate[] = [];
  for (let start = 0; start < distinct.length; start += HELD_VALUES_PER_STATEMENT) {
    lookups.push(resolveDeletePredicate(stream, { column, op: 'in', values: distinct.slice(start, start + HELD_VALUES_PER_STATEMENT) }));
  }
  return lookups;
}

const HELD_KEY = 'held_key';
const HELD_VALUE = 'held_value';

/** The key and value of the rows of `table` matching `condition` (from `predicateCondition`). */
export function heldValuesSelect(
  table: string,
  stream: StreamDefinition,
  lookup: ResolvedPredicate,
  condition: string,
  quote: (name: string) => string = quoteIdentifier,
): string {
  return `SELECT ${quote(stream.primaryKey)} AS ${HELD_KEY}, ${quote(lookup.column)} AS ${HELD_VALUE} FROM ${table} WHERE ${condition}`;
}

const columnType = (stream: StreamDefinition, column: string): ColumnType =>
  stream.columns.find((c) => c.name === column)?.type ?? 'string';

/** Rows of `heldValuesSelect` (as the plug-in's read-only query returns them) as held values. */
export function heldValuesOf(rows: readonly Record<string, unknown>[], stream: StreamDefinition, lookup: ResolvedPredicate): HeldValue[] {
  const keyType = columnType(stream, stream.primaryKey);
  return rows.flatMap((row) => {
    const key = comparableValue(keyType, row[HELD_KEY]);
    const value = comparableValue(lookup.type, row[HELD_VALUE]);
    return key === null || value === null ? [] : [{ key, value }];
  });
}

const WHOLE_NUMBER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/;

/**
 * A column value in the form a lookup compares: what a row holds (as staged, or as a warehouse
 * returns it) for a column of this type, or null when it cannot be compared (missing, JSON, or not
 * of the column's type). Exact integers beyond 2^53 arrive as text and are compared as numbers.
 */
export function comparableValue(type: ColumnType, value: unknown): PredicateValue | null {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'integer':
    case 'number': {
      const text = typeof value === 'string' ? value.trim() : null;
      const number =
        typeof value === 'number' ? value : text !== null && (type === 'integer' ? WHOLE_NUMBER : DECIMAL).test(text) ? Number(text) : NaN;
      if (!Number.isFinite(number)) return null;
      return type === 'integer' && !Number.isInteger(number) ? null : number;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' && DATE_PREFIX.test(value) ? value.slice(0, 10) : null;
    case 'timestamp': {
      const instant = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
      return Number.isNaN(instant) ? null : new Date(instant).toISOString();
    }
    case 'json':
      return null;
  }
}
