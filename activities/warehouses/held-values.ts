/**
 * `findHeldValues`, the part every plug-in shares: the lookup is checked as an `in` delete predicate
 * and cut into statements of a bounded size; `readHeldValues` runs them through the plug-in, which
 * renders each condition with its own placeholders and runs `heldValuesSelect`, and reads the rows
 * back, so every warehouse answers in the same forms.
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

/** Where a plug-in finds held values: what its table has, and the rows of one lookup. */
export interface HeldValuesSource {
  /** The columns the stream's table has now; none when it does not exist yet. */
  columns(): Promise<{ has(name: string): boolean }>;
  /** The rows of `heldValuesSelect` for the lookup, its values bound, as the plug-in's read-only query returns them. */
  rows(lookup: ResolvedPredicate): Promise<readonly Record<string, unknown>[]>;
}

/** The held values of every lookup, one statement each; a table or column that does not exist yet holds none. */
export async function readHeldValues(
  stream: StreamDefinition,
  lookups: readonly ResolvedPredicate[],
  source: HeldValuesSource,
): Promise<HeldValue[]> {
  const [first] = lookups;
  if (!first) return [];
  const columns = await source.columns();
  if (!columns.has(first.column) || !columns.has(stream.primaryKey)) return [];
  const held: HeldValue[] = [];
  for (const lookup of lookups) held.push(...heldValuesOf(await source.rows(lookup), stream, lookup));
  return held;
}

/** Rows of `heldValuesSelect` as held values. */
function heldValuesOf(rows: readonly Record<string, unknown>[], stream: StreamDefinition, lookup: ResolvedPredicate): HeldValue[] {
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
