/**
 * A validation result in Great Expectations' shape (GX 1.24, result_format SUMMARY), so that people
 * and tools that read GX results read ours. It holds sample values (partial_unexpected_list,
 * partial_unexpected_counts): it is stored, never sent to a workflow. Built here from the checks'
 * outcomes: a map expectation's figures, a table expectation's observed value, the suite's statistics.
 */
import type { CheckOutcome } from './column-check';
import { partialUnexpectedCounts } from './counts';
import type { Expectation } from './suite';

/** How many unexpected values a result quotes, as GX's default "SUMMARY" result format. */
export const PARTIAL_UNEXPECTED_LIMIT = 20;

/**
 * What GX writes under `result`. Column-map expectations: the counts below (expect_column_values_to_
 * not_be_null without the missing_* fields, as GX, since it judges the missing values). Table
 * expectations: observed_value. expect_column_to_exist, and an expectation that raised: nothing.
 */
export type ExpectationResultDetail = {
  /** Rows evaluated: the batch without its deletions, and only the rows the row_condition holds for. */
  element_count?: number;
  unexpected_count?: number;
  /** Share of the non-missing values that are unexpected, in percent; null when none is non-missing. */
  unexpected_percent?: number | null;
  /** The first unexpected values in row order. */
  partial_unexpected_list?: unknown[];
  /** Missing values (or, for compound uniqueness, rows ignored by `ignore_row_if`), which are not judged. */
  missing_count?: number;
  missing_percent?: number | null;
  unexpected_percent_total?: number | null;
  unexpected_percent_nonmissing?: number | null;
  /** The quoted values counted, most frequent first; absent when Python could not order them. */
  partial_unexpected_counts?: { value: unknown; count: number }[];
  /** Positions in the staged batch (deletions counted) of the quoted values. */
  partial_unexpected_index_list?: number[];
  /** Table expectations: the rows counted. */
  observed_value?: number;
};

export type ExceptionInfo = {
  raised_exception: boolean;
  exception_message: string | null;
  exception_traceback: null;
};

export type ExpectationResult = {
  expectation_config: Expectation;
  success: boolean;
  result: ExpectationResultDetail;
  meta: Record<string, never>;
  exception_info: ExceptionInfo;
};

export type GeResult = {
  success: boolean;
  suite_name: string;
  /** The values the suite's parameters took (run-time ones, from meta.run_time). */
  suite_parameters: Record<string, string>;
  statistics: {
    evaluated_expectations: number;
    successful_expectations: number;
    unsuccessful_expectations: number;
    /** 100 when the suite holds no expectation, as nothing failed. */
    success_percent: number;
  };
  results: ExpectationResult[];
  /** The run time that suite parameters (now_minus_10y) were resolved against. */
  meta: { run_time: string };
};

const NO_EXCEPTION = { raised_exception: false, exception_message: null, exception_traceback: null } as const;

export function raised(expectation: Expectation, message: string): ExpectationResult {
  return {
    expectation_config: expectation,
    success: false,
    result: {},
    meta: {},
    exception_info: { raised_exception: true, exception_message: message, exception_traceback: null },
  };
}

const percent = (part: number, whole: number): number | null => (whole > 0 ? (part / whole) * 100 : null);

/** GX's figures (expectation.py, _format_map_output): `mostly` is the share of non-missing values that must be expected. */
export function mapResult(expectation: Expectation, outcome: CheckOutcome): ExpectationResult {
  const elements = outcome.elementCount;
  const unexpected = outcome.unexpectedRows.length;
  const missing = outcome.missingCount;
  const judged = missing === null ? elements : elements - missing;
  const mostly = 'mostly' in expectation.kwargs ? (expectation.kwargs.mostly ?? 1) : 1;
  const detail: ExpectationResultDetail = {
    element_count: elements,
    unexpected_count: unexpected,
    unexpected_percent: percent(unexpected, elements === 0 ? 0 : judged),
    partial_unexpected_list: outcome.quotes.map((quote) => quote.counted.shown),
  };
  if (missing !== null) {
    detail.missing_count = missing;
    detail.missing_percent = percent(missing, elements);
    detail.unexpected_percent_total = percent(unexpected, elements);
    detail.unexpected_percent_nonmissing = detail.unexpected_percent;
  }
  const counts = partialUnexpectedCounts(outcome.quotes.map((quote) => quote.counted));
  if (counts) detail.partial_unexpected_counts = counts;
  detail.partial_unexpected_index_list = outcome.quotes.map((quote) => quote.index);
  return {
    expectation_config: expectation,
    success: elements === 0 || judged === 0 || (judged - unexpected) / judged >= mostly,
    result: detail,
    meta: {},
    exception_info: NO_EXCEPTION,
  };
}

export function tableResult(
  expectation: Expectation,
  rows: number,
  has: (column: string) => boolean,
  position: (column: string) => number | null,
): ExpectationResult {
  const done = (success: boolean, result: ExpectationResultDetail): ExpectationResult => ({
    expectation_config: expectation,
    success,
    result,
    meta: {},
    exception_info: NO_EXCEPTION,
  });
  switch (expectation.type) {
    case 'expect_column_to_exist': {
      const { column, column_index: index } = expectation.kwargs;
      const at = position(column);
      return done(has(column) && (index === null || index === undefined || at === null || at === index), {});
    }
    case 'expect_table_row_count_to_be_between': {
      const { min_value: min, max_value: max, strict_min: strictMin, strict_max: strictMax } = expectation.kwargs;
      const above = min === null || min === undefined || (strictMin ? rows > min : rows >= min);
      const below = max === null || max === undefined || (strictMax ? rows < max : rows <= max);
      return done(above && below, { observed_value: rows });
    }
    case 'expect_table_row_count_to_equal':
      return done(rows === expectation.kwargs.value, { observed_value: rows });
    default:
      return raised(expectation, 'no check for this expectation');
  }
}

export function suiteResult(suiteName: string, results: ExpectationResult[], parameters: Record<string, string>, runTime: Date): GeResult {
  const successful = results.filter((result) => result.success).length;
  return {
    success: successful === results.length,
    suite_name: suiteName,
    suite_parameters: parameters,
    statistics: {
      evaluated_expectations: results.length,
      successful_expectations: successful,
      unsuccessful_expectations: results.length - successful,
      success_percent: results.length === 0 ? 100 : (successful / results.length) * 100,
    },
    results,
    meta: { run_time: runTime.toISOString() },
  };
}
