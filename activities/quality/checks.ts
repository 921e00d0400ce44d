/**
 * Each expectation compiled into a check that sees every evaluated row once, in order, and tells at
 * the end which rows it found unexpected. Semantics follow Great Expectations: nulls are "missing"
 * and only not_null judges them; uniqueness marks every occurrence of a repeated value, and a value
 * held outside the batch by another row.
 */
import { ConnectorError } from '../errors';
import type { Row } from '../sources/types';
import { parseInstant, resolveTimeBound } from './instants';
import { PARTIAL_UNEXPECTED_LIMIT } from './report';
import type { Expectation } from './suite';

export interface CheckOutcome {
  elementCount: number;
  missingCount: number;
  /** Batch positions of the unexpected rows, ascending. */
  unexpectedRows: number[];
  /** The first unexpected values, in row order. */
  partialUnexpected: unknown[];
}

export interface Check {
  /** Sees one evaluated row; `index` is its position in the batch. */
  observe(row: Row, index: number): void;
  finish(): CheckOutcome;
}

type KwargsOf<T extends Expectation['type']> = Extract<Expectation, { type: T }>['kwargs'];

const isMissing = (value: unknown): boolean => value === null || value === undefined;

/** A check that judges each value on its own. */
function valueCheck(column: string, isExpected: (value: unknown) => boolean, judgesNulls = false): Check {
  let elementCount = 0;
  let missingCount = 0;
  const unexpectedRows: number[] = [];
  const partialUnexpected: unknown[] = [];
  return {
    observe(row, index) {
      elementCount += 1;
      const value = row[column];
      if (isMissing(value)) {
        if (!judgesNulls) {
          missingCount += 1;
          return;
        }
      } else if (isExpected(value)) {
        return;
      }
      unexpectedRows.push(index);
      if (partialUnexpected.length < PARTIAL_UNEXPECTED_LIMIT) partialUnexpected.push(value ?? null);
    },
    finish: () => ({ elementCount, missingCount, unexpectedRows, partialUnexpected }),
  };
}

const MISSING = Symbol('missing');
const REPORTED = -1;

/** Whether a row's value is held outside the batch by another row (see ./beyond-batch.ts). */
export type TakenOutside = (row: Row) => boolean;

const NOWHERE_ELSE: TakenOutside = () => false;

/**
 * A check over a key per row. A repeat is only known once it is seen, so the first occurrence is
 * marked then, and the rows are sorted back into batch order at the end. A row whose value is taken
 * outside the batch is a repeat too, of a row the batch does not hold.
 */
function duplicateCheck(keyOf: (row: Row) => unknown, shown: (row: Row) => unknown, takenOutside: TakenOutside = NOWHERE_ELSE): Check {
  let elementCount = 0;
  let missingCount = 0;
  /** Key → position of its first occurrence, or REPORTED once that occurrence is marked. */
  const firstSeen = new Map<unknown, number>();
  /** Position → value shown, for each unexpected row once. */
  const unexpected = new Map<number, unknown>();
  return {
    observe(row, index) {
      elementCount += 1;
      const key = keyOf(row);
      if (key === MISSING) {
        missingCount += 1;
        return;
      }
      if (takenOutside(row)) unexpected.set(index, shown(row));
      const first = firstSeen.get(key);
      if (first === undefined) {
        firstSeen.set(key, index);
        return;
      }
      // Equal keys show equal values, so this row stands in for the first occurrence too.
      const value = shown(row);
      if (first !== REPORTED) {
        unexpected.set(first, value);
        firstSeen.set(key, REPORTED);
      }
      unexpected.set(index, value);
    },
    finish() {
      const entries = [...unexpected].sort(([a], [b]) => a - b);
      return {
        elementCount,
        missingCount,
        unexpectedRows: entries.map(([index]) => index),
        partialUnexpected: entries.slice(0, PARTIAL_UNEXPECTED_LIMIT).map(([, value]) => value),
      };
    },
  };
}

/** Primitives key themselves (so 1 and "1" differ); objects key by their JSON, set apart by a NUL prefix. */
const singleKey = (value: unknown): unknown =>
  isMissing(value) ? MISSING : typeof value === 'object' ? `\u0000${JSON.stringify(value)}` : value;

function compoundUniqueCheck({ column_list: columns, ignore_row_if: ignoreIf }: KwargsOf<'expect_compound_columns_to_be_unique'>): Check {
  const ignored = (values: unknown[]): boolean => {
    if (ignoreIf === 'never') return false;
    return ignoreIf === 'any_value_is_missing' ? values.some(isMissing) : values.every(isMissing);
  };
  return duplicateCheck(
    (row) => {
      const values = columns.map((name) => row[name]);
      // JSON keeps types apart ("1" vs 1) and writes undefined in an array as null, as it should.
      return ignored(values) ? MISSING : JSON.stringify(values);
    },
    (row) => Object.fromEntries(columns.map((name) => [name, row[name] ?? null])),
  );
}

function resolveBound(bound: number | string | null | undefined, runTime: Date, field: string): number | null {
  if (typeof bound === 'number') return bound;
  if (bound === null || bound === undefined) return null;
  const resolved = resolveTimeBound(bound, runTime);
  if (resolved === null) throw new ConnectorError('config', `${field}: "${bound}" is neither an ISO-8601 datetime nor a relative time`);
  return resolved;
}

const asNumber = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const asInstant = (value: unknown): number | null => (typeof value === 'string' ? parseInstant(value) : null);

function betweenCheck(kwargs: KwargsOf<'expect_column_values_to_be_between'>, runTime: Date): Check {
  const { column, min_value: min, max_value: max, strict_min: strictMin, strict_max: strictMax } = kwargs;
  const low = resolveBound(min, runTime, `between(${column}).min_value`);
  const high = resolveBound(max, runTime, `between(${column}).max_value`);
  // Numeric bounds judge numbers; datetime bounds judge ISO-8601 strings. Anything else is unexpected.
  const comparable = typeof min === 'number' || typeof max === 'number' ? asNumber : asInstant;
  return valueCheck(column, (value) => {
    const x = comparable(value);
    if (x === null) return false;
    if (low !== null && (strictMin ? x <= low : x < low)) return false;
    return high === null || (strictMax ? x < high : x <= high);
  });
}

/** `takenOutside` by column: values of unique columns held outside the batch; none when absent. */
export function compileCheck(expectation: Expectation, runTime: Date, takenOutside?: ReadonlyMap<string, TakenOutside>): Check {
  switch (expectation.type) {
    case 'expect_column_values_to_be_unique': {
      const { column } = expectation.kwargs;
      return duplicateCheck((row) => singleKey(row[column]), (row) => row[column], takenOutside?.get(column));
    }
    case 'expect_column_values_to_not_be_null':
      return valueCheck(expectation.kwargs.column, () => true, true);
    case 'expect_column_values_to_be_between':
      return betweenCheck(expectation.kwargs, runTime);
    case 'expect_column_values_to_be_in_set': {
      const allowed = new Set<unknown>(expectation.kwargs.value_set);
      return valueCheck(expectation.kwargs.column, (value) => allowed.has(value));
    }
    case 'expect_column_values_to_match_regex': {
      // Unanchored, like GX (re.search): anchor with ^ and $ to match a whole value.
      const pattern = new RegExp(expectation.kwargs.regex);
      return valueCheck(expectation.kwargs.column, (value) => typeof value === 'string' && pattern.test(value));
    }
    case 'expect_compound_columns_to_be_unique':
      return compoundUniqueCheck(expectation.kwargs);
  }
}
