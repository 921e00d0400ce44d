/**
 * A check over a batch's rows: what it sees of the batch, what it reports, and the check that judges
 * each value on its own, which most column-map expectations are.
 */
import type { ColumnType } from '../../domain/streams/types';
import type { Row } from '../sources/types';
import type { Counted, Element, MissingForm } from './counts';
import { PARTIAL_UNEXPECTED_LIMIT } from './report';
import type { PyValue } from './values';

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

export const NOWHERE_ELSE: TakenOutside = () => false;

/** The value as quoted: the row's own, or null when GX sees it missing. */
export const shown = (row: Row, column: string, value: PyValue | null): unknown => (value === null ? null : row[column]);

export function quoteOf(batch: BatchView, row: Row, column: string, value: PyValue | null, index: number): Quote {
  const element: Element = value ?? { kind: 'missing', form: batch.missingForm(column) };
  const quoted = shown(row, column, value);
  return { index, counted: { shown: quoted, counted: quoted, elements: [element] } };
}

/** A check that judges each value on its own. */
export function valueCheck(batch: BatchView, column: string, isExpected: (value: PyValue) => boolean, judgesMissing = false): Check {
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
