/**
 * Uniqueness as GX on pandas judges it (`duplicated(keep=False)`): every occurrence of a repeated
 * value is unexpected, missing values are not judged, and a value held outside the batch by another
 * row (./beyond-batch.ts) is a repeat too.
 */
import type { Row } from '../sources/types';
import { NOWHERE_ELSE, quoteOf, shown, type BatchView, type Check, type Quote, type TakenOutside } from './column-check';
import type { Element } from './counts';
import { PARTIAL_UNEXPECTED_LIMIT } from './report';
import type { Expectation } from './suite';
import { pyKey, PyValueMap, type PyValue } from './values';

export const MISSING = Symbol('missing');
const REPORTED = -1;

/** Where a key was first seen: a Map, or a PyValueMap for values as Python hashes them. */
interface Positions<K> {
  get(key: K): number | undefined;
  set(key: K, position: number): void;
}

/**
 * A check over a key per row. A repeat is only known once it is seen, so the first occurrence is
 * marked then, and the rows are sorted back into batch order at the end. A row whose value is taken
 * outside the batch is a repeat too, of a row the batch does not hold.
 */
function duplicateCheck<K>(
  keyOf: (row: Row) => K | typeof MISSING,
  /** Key → position of its first occurrence, or REPORTED once that occurrence is marked. */
  firstSeen: Positions<K>,
  quote: (row: Row, index: number) => Quote,
  takenOutside: TakenOutside = NOWHERE_ELSE,
): Check {
  let elementCount = 0;
  let missingCount = 0;
  /** Position → quote, for each unexpected row once. */
  const unexpected = new Map<number, Quote>();
  /** Position → row, for the first occurrences not yet repeated: an array, as positions count up. */
  const firstRows: (Row | undefined)[] = [];
  return {
    observe(row, index) {
      elementCount += 1;
      const key = keyOf(row);
      if (key === MISSING) {
        missingCount += 1;
        return;
      }
      // Looked up first: a key Python cannot hash throws before anything is marked.
      const first = firstSeen.get(key);
      if (takenOutside(row)) unexpected.set(index, quote(row, index));
      if (first === undefined) {
        firstSeen.set(key, index);
        firstRows[index] = row;
        return;
      }
      if (first !== REPORTED) {
        const firstRow = firstRows[first];
        if (firstRow) unexpected.set(first, quote(firstRow, first));
        firstSeen.set(key, REPORTED);
        firstRows[first] = undefined;
      }
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

export function compoundUniqueCheck(
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
    new Map<string, number>(),
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

/** `expect_column_values_to_be_unique`. */
export function uniqueCheck(batch: BatchView, column: string, takenOutside?: TakenOutside): Check {
  return duplicateCheck(
    (row) => {
      const value = batch.value(row, column);
      return value === null ? MISSING : value;
    },
    new PyValueMap<number>(),
    (row, index) => quoteOf(batch, row, column, batch.value(row, column), index),
    takenOutside,
  );
}
