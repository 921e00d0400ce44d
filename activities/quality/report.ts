/**
 * A validation result in Great Expectations' shape, so that people and tools that read GX results read
 * ours. It holds sample values (partial_unexpected_list): it is stored, never sent to a workflow.
 */
import type { Expectation } from './suite';

/** How many unexpected values a result quotes, as GX's default "SUMMARY" result format. */
export const PARTIAL_UNEXPECTED_LIMIT = 20;

export type ExpectationResultDetail = {
  /** Rows evaluated: every row of the batch except deletions. */
  element_count: number;
  unexpected_count: number;
  /** Share of non-missing values that are unexpected, in percent; 0 when every value is missing. */
  unexpected_percent: number;
  /** Null values (or, for compound uniqueness, rows ignored by `ignore_row_if`), which are not judged. */
  missing_count: number;
  /** The first unexpected values in row order. */
  partial_unexpected_list: unknown[];
};

export type ExpectationResult = {
  expectation_config: Expectation;
  success: boolean;
  result: ExpectationResultDetail;
};

export type GeResult = {
  success: boolean;
  suite_name: string;
  statistics: {
    evaluated_expectations: number;
    successful_expectations: number;
    unsuccessful_expectations: number;
    /** 100 when the suite holds no expectation, as nothing failed. */
    success_percent: number;
  };
  results: ExpectationResult[];
  /** The run time that relative bounds (now-10y) were resolved against. */
  meta: { run_time: string };
};
