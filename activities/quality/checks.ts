/**
 * Each column-map expectation compiled into a check that sees every judged row once, in order, and
 * tells at the end which rows it found unexpected. Semantics are GX's on pandas over the typed batch
 * (./README.md): missing values are judged by not_null only; uniqueness marks every occurrence of a
 * repeated value (and a value held outside the batch by another row); values compare as Python's;
 * a comparison pandas refuses makes the expectation raise (PythonTypeError).
 */
import type { ColumnType } from '../../domain/streams/types';
import { ConnectorError } from '../errors';
import type { Row } from '../sources/types';
import type { Counted, Element, MissingForm } from './counts';
import { compareInstants, parsePreciseInstant, type PreciseInstant } from './instants';
import { isSuiteParameter } from './parameters';
import { pythonRegex } from './python-regex';
import { PARTIAL_UNEXPECTED_LIMIT } from './report';
import type { Expectation } from './suite';
import { codePointLength, PythonTypeError, pyKey, pyText, type PyValue } from './values';

/** A quoted unexpected value: as the row holds it, and as Python counts it. */
export interface Quote {
  index: number;
  counted: Counted;
}

export interface CheckOutcome {
  elementCount: number;
  /** Null for not_null, which judges the missing values (GX then writes no missing_* fields). */
  missingCount: number | null;
  /** Batch positions of the unexpected rows, ascending. */
  unexpectedRows: number[];
  /** The first unexpected values, in row order. */
  quotes: Quote[];
}

export interface Check {
  /** Sees one judged row; `index` is its position in the batch. Throws PythonTypeError where GX raises. */
  observe(row: Row, index: number): void;
  finish(): CheckOutcome;
}

/** What a check needs of the batch: each column's values, as GX holds them. */
export interface BatchView {
  /** True when the columns have the stream's types; false: values are taken as they come. */
  typed: boolean;
  typeOf(column: string): ColumnType | undefined;
  /** A row's value; null when missing (or, typed, when its column's type cannot take it). */
  value(row: Row, column: string): PyValue | null;
  /** How pandas gives a missing value of the column. */
  missingForm(column: string): MissingForm;
}

/** Whether a row's value is held outside the batch by another row (see ./beyond-batch.ts). */
export type TakenOutside = (row: Row) => boolean;

const NOWHERE_ELSE: TakenOutside = () => false;

/** The value as quoted: the row's own, or null when GX sees it missing. */
const shown = (row: Row, column: string, value: PyValue | null): unknown => (value === null ? null : row[column]);

function quoteOf(batch: BatchView, row: Row, column: string, value: PyValue | null, index: number): Quote {
  const element: Element = value ?? { kind: 'missing', form: batch.missingForm(column) };
  const quoted = shown(row, column, value);
  return { index, counted: { shown: quoted, counted: quoted, elements: [element] } };
}

/** A check that judges each value on its own. */
function valueCheck(batch: BatchView, column: string, isExpected: (value: PyValue) => boolean, judgesMissing = false): Check {
  let elementCount = 0;
  let missingCount = 0;
  const unexpectedRows: number[] = [];
  const quotes: Quote[] = [];
  return {
    observe(row, index) {
      elementCount += 1;
      const value = batch.value(row, column);
      if (value === null) {
        if (!judgesMissing) {
          missingCount += 1;
          return;
        }
      } else if (isExpected(value)) {
        return;
      }
      unexpectedRows.push(index);
      if (quotes.length < PARTIAL_UNEXPECTED_LIMIT) quotes.push(quoteOf(batch, row, column, value, index));
    },
    finish: () => ({ elementCount, missingCount: judgesMissing ? null : missingCount, unexpectedRows, quotes }),
  };
}

const MISSING = Symbol('missing');
const REPORTED = -1;

/**
 * A check over a key per row. A repeat is only known once it is seen, so the first occurrence is
 * marked then, and the rows are sorted back into batch order at the end. A row whose value is taken
 * outside the batch is a repeat too, of a row the batch does not hold.
 */
function duplicateCheck(
  keyOf: (row: Row) => string | typeof MISSING,
  quote: (row: Row, index: number) => Quote,
  takenOutside: TakenOutside = NOWHERE_ELSE,
): Check {
  let elementCount = 0;
  let missingCount = 0;
  /** Key → position of its first occurrence, or REPORTED once that occurrence is marked. */
  const firstSeen = new Map<string, number>();
  /** Position → quote, for each unexpected row once. */
  const unexpected = new Map<number, Quote>();
  const rows = new Map<number, Row>();
  return {
    observe(row, index) {
      elementCount += 1;
      const key = keyOf(row);
      if (key === MISSING) {
        missingCount += 1;
        return;
      }
      if (takenOutside(row)) unexpected.set(index, quote(row, index));
      const first = firstSeen.get(key);
      if (first === undefined) {
        firstSeen.set(key, index);
        rows.set(index, row);
        return;
      }
      if (first !== REPORTED) {
        const firstRow = rows.get(first);
        if (firstRow) unexpected.set(first, quote(firstRow, first));
        firstSeen.set(key, REPORTED);
      }
      rows.delete(first);
      unexpected.set(index, quote(row, index));
    },
    finish() {
      const entries = [...unexpected].sort(([a], [b]) => a - b);
      return {
        elementCount,
        missingCount,
        unexpectedRows: entries.map(([index]) => index),
        quotes: entries.slice(0, PARTIAL_UNEXPECTED_LIMIT).map(([, quote]) => quote),
      };
    },
  };
}

function compoundUniqueCheck(
  batch: BatchView,
  { column_list: columns, ignore_row_if: ignoreIf }: Extract<Expectation, { type: 'expect_compound_columns_to_be_unique' }>['kwargs'],
): Check {
  const valuesOf = (row: Row) => columns.map((name) => batch.value(row, name));
  const ignored = (values: (PyValue | null)[]): boolean => {
    if (ignoreIf === 'never') return false;
    return ignoreIf === 'any_value_is_missing' ? values.some((v) => v === null) : values.every((v) => v === null);
  };
  return duplicateCheck(
    (row) => {
      const values = valuesOf(row);
      // pandas' duplicated holds missing values equal to each other.
      return ignored(values) ? MISSING : JSON.stringify(values.map((v) => (v === null ? null : pyKey(v))));
    },
    (row, index) => {
      const values = valuesOf(row);
      const quoted = columns.map((name, i) => shown(row, name, values[i] ?? null));
      return {
        index,
        counted: {
          shown: Object.fromEntries(columns.map((name, i) => [name, quoted[i]])),
          counted: quoted,
          elements: values.map((v, i): Element => v ?? { kind: 'missing', form: batch.missingForm(columns[i] ?? '') }),
        },
      };
    },
  );
}

// ---- Bounds -----------------------------------------------------------------------------------

type ResolvedBound = { kind: 'num'; value: number } | { kind: 'time'; instant: PreciseInstant } | null;

function resolveBound(bound: unknown, parameters: Readonly<Record<string, string>>, field: string): ResolvedBound {
  if (bound === null || bound === undefined) return null;
  if (typeof bound === 'number') return { kind: 'num', value: bound };
  const text = isSuiteParameter(bound) ? parameters[bound.$PARAMETER] : typeof bound === 'string' ? bound : undefined;
  const instant = text === undefined ? null : parsePreciseInstant(text);
  if (!instant)
    throw new ConnectorError(
      'config',
      `${field}: ${JSON.stringify(bound)} is neither a number, an ISO-8601 datetime with a zone nor a run-time suite parameter`,
    );
  return { kind: 'time', instant };
}

const compareBound = (value: PyValue, bound: NonNullable<ResolvedBound>): number | null => {
  if (bound.kind === 'time') return value.kind === 'time' ? compareInstants(value.instant, bound.instant) : null;
  if (value.kind === 'num') return value.value - bound.value;
  return value.kind === 'bool' ? Number(value.value) - bound.value : null;
};

/**
 * `expect_column_values_to_be_between` as GX 1.24 on pandas: float64 and timestamp columns compare
 * with bounds of their kind (a timestamp column refuses any other outright, a float64 one as soon as
 * it holds a value), other columns value by value, where text never compares with a number or a
 * datetime and a boolean counts as 0 or 1. Without the stream's types, a value of another kind than
 * the bounds is unexpected, a text being read as an ISO-8601 instant against datetime bounds.
 */
function betweenCheck(
  batch: BatchView,
  kwargs: Extract<Expectation, { type: 'expect_column_values_to_be_between' }>['kwargs'],
  parameters: Readonly<Record<string, string>>,
): Check {
  const { column, strict_min: strictMin, strict_max: strictMax } = kwargs;
  const low = resolveBound(kwargs.min_value, parameters, `between(${column}).min_value`);
  const high = resolveBound(kwargs.max_value, parameters, `between(${column}).max_value`);
  const kind = (low ?? high)?.kind ?? 'num';
  if (low && high) {
    const order =
      low.kind === 'num' && high.kind === 'num'
        ? low.value - high.value
        : low.kind === 'time' && high.kind === 'time'
          ? compareInstants(low.instant, high.instant)
          : 0;
    if (order > 0) throw new PythonTypeError('min_value cannot be greater than max_value');
  }
  const type = batch.typeOf(column);
  if (batch.typed && (type === 'timestamp' || type === 'date') && kind !== 'time') {
    throw new PythonTypeError('Invalid comparison between dtype=datetime64[us, UTC] and float');
  }
  const within = (value: PyValue): boolean => {
    const below = low ? compareBound(value, low) : 0;
    const above = high ? compareBound(value, high) : 0;
    if (below === null || above === null) {
      if (!batch.typed) return false;
      throw new PythonTypeError('Column values, min_value, and max_value must either be None or of the same type.');
    }
    if (low && (strictMin ? below <= 0 : below < 0)) return false;
    return !high || (strictMax ? above < 0 : above <= 0);
  };
  if (batch.typed) return valueCheck(batch, column, within);
  // Untyped: numbers judge numbers (not booleans); datetime bounds judge texts read as instants.
  return valueCheck(batch, column, (value) => {
    if (kind === 'num') return value.kind === 'num' && within(value);
    const instant = value.kind === 'str' ? parsePreciseInstant(value.value) : null;
    return instant !== null && within({ kind: 'time', instant });
  });
}

const lengthWithin =
  (min: number | null | undefined, max: number | null | undefined, strictMin?: boolean, strictMax?: boolean) => (length: number) =>
    (min == null || (strictMin ? length > min : length >= min)) && (max == null || (strictMax ? length < max : length <= max));

/** pandas' astype(str) of a value; timestamps are refused up front (their text depends on the whole column). */
function textOf(value: PyValue): string {
  const text = pyText(value);
  if (text === null)
    throw new PythonTypeError('Insight Hub does not match or measure the text of a JSON object (GX would use its Python repr)');
  return text;
}

function refuseTimestampText(batch: BatchView, column: string, label: string): void {
  const type = batch.typeOf(column);
  if (batch.typed && (type === 'timestamp' || type === 'date')) {
    throw new ConnectorError(
      'config',
      `${label}: ${column} is a timestamp column, whose text GX takes from pandas (its format depends on the whole column); judge it with expect_column_values_to_be_between instead`,
    );
  }
}

/** Rules of one expectation, given the batch's view; the engine handles table-level expectations. */
export function compileCheck(
  expectation: Expectation,
  label: string,
  batch: BatchView,
  parameters: Readonly<Record<string, string>>,
  takenOutside?: ReadonlyMap<string, TakenOutside>,
): Check | null {
  switch (expectation.type) {
    case 'expect_column_values_to_be_unique': {
      const { column } = expectation.kwargs;
      return duplicateCheck(
        (row) => {
          const value = batch.value(row, column);
          return value === null ? MISSING : pyKey(value);
        },
        (row, index) => quoteOf(batch, row, column, batch.value(row, column), index),
        takenOutside?.get(column),
      );
    }
    case 'expect_column_values_to_not_be_null':
      return valueCheck(batch, expectation.kwargs.column, () => true, true);
    case 'expect_column_values_to_be_between':
      return betweenCheck(batch, expectation.kwargs, parameters);
    case 'expect_column_values_to_be_in_set':
    case 'expect_column_values_to_not_be_in_set': {
      const { column, value_set: valueSet } = expectation.kwargs;
      const keys = new Set(
        valueSet.map((v) =>
          pyKey(
            typeof v === 'string'
              ? { kind: 'str', value: v }
              : typeof v === 'boolean'
                ? { kind: 'bool', value: v }
                : { kind: 'num', value: v, float: false },
          ),
        ),
      );
      const wanted = expectation.type === 'expect_column_values_to_be_in_set';
      return valueCheck(batch, column, (value) => keys.has(pyKey(value)) === wanted);
    }
    case 'expect_column_values_to_match_regex':
    case 'expect_column_values_to_not_match_regex': {
      const { column, regex } = expectation.kwargs;
      refuseTimestampText(batch, column, label);
      // re.search, as GX on pandas (str.contains): unanchored unless the pattern anchors itself.
      const pattern = pythonRegex(regex);
      const wanted = expectation.type === 'expect_column_values_to_match_regex';
      return valueCheck(batch, column, (value) => pattern.test(textOf(value)) === wanted);
    }
    case 'expect_column_value_lengths_to_be_between': {
      const { column, min_value: min, max_value: max, strict_min: strictMin, strict_max: strictMax } = expectation.kwargs;
      refuseTimestampText(batch, column, label);
      const within = lengthWithin(min, max, strictMin, strictMax);
      return valueCheck(batch, column, (value) => within(codePointLength(textOf(value))));
    }
    case 'expect_column_value_lengths_to_equal': {
      const { column, value: length } = expectation.kwargs;
      refuseTimestampText(batch, column, label);
      return valueCheck(batch, column, (value) => codePointLength(textOf(value)) === length);
    }
    case 'expect_compound_columns_to_be_unique':
      return compoundUniqueCheck(batch, expectation.kwargs);
    case 'expect_column_to_exist':
    case 'expect_table_row_count_to_be_between':
    case 'expect_table_row_count_to_equal':
      return null;
  }
}
