/**
 * A validation result in Great Expectations' shape (GX 1.24, result_format SUMMARY), so that people
 * and tools that read GX results read ours. It holds sample values (partial_unexpected_list,
 * partial_unexpected_counts): it is stored, never sent to a workflow.
 */
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
