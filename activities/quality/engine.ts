/**
 * The expectation engine: pure, one pass over the rows (they may arrive one at a time from a file),
 * giving a GX-shaped report and, per row, the rules it fails.
 */
import type { Row } from '../sources/types';
import { compileCheck, type Check, type CheckOutcome, type TakenOutside } from './checks';
import type { ExpectationResult, GeResult } from './report';
import { ruleLabel, type Expectation, type ExpectationSuite } from './suite';

export interface EvaluateOptions {
  /** What relative bounds (`now-10y`) are resolved against: the cycle's start, for repeatable runs. */
  runTime: Date;
  /** The stream's deletion flag: rows with it true are deletions, not data, and are not judged. */
  deletedColumn?: string;
  /**
   * By unique column: whether a row's value is held outside the batch by another row (in the
   * warehouse, or earlier in the extract). Absent: the batch alone is judged.
   */
  takenOutside?: ReadonlyMap<string, TakenOutside>;
}

export type RowVerdict =
  | { readonly kind: 'valid' }
  | { readonly kind: 'deletion' }
  | { readonly kind: 'invalid'; readonly failures: readonly string[] };

export interface Evaluation {
  report: GeResult;
  /** One per input row, in order; the failures of an invalid row are rule labels in suite order. */
  verdicts: RowVerdict[];
}

const VALID: RowVerdict = { kind: 'valid' };
const DELETION: RowVerdict = { kind: 'deletion' };

interface CompiledRule {
  expectation: Expectation;
  label: string;
  check: Check;
}

/** Feed rows with `add`, then `finish` once: for batches read line by line. */
export class SuiteRun {
  private readonly rules: CompiledRule[];
  private readonly deletions: number[] = [];
  private rowCount = 0;

  constructor(
    private readonly suite: ExpectationSuite,
    private readonly options: EvaluateOptions,
  ) {
    this.rules = suite.expectations.map((expectation) => ({
      expectation,
      label: ruleLabel(expectation),
      check: compileCheck(expectation, options.runTime, options.takenOutside),
    }));
  }

  add(row: Row): void {
    const index = this.rowCount;
    this.rowCount += 1;
    const { deletedColumn } = this.options;
    if (deletedColumn !== undefined && row[deletedColumn] === true) {
      this.deletions.push(index);
      return;
    }
    for (const rule of this.rules) rule.check.observe(row, index);
  }

  finish(): Evaluation {
    const outcomes = this.rules.map((rule) => ({ rule, outcome: rule.check.finish() }));
    const failures: (string[] | undefined)[] = new Array(this.rowCount);
    for (const { rule, outcome } of outcomes) {
      for (const index of outcome.unexpectedRows) (failures[index] ??= []).push(rule.label);
    }
    const verdicts = Array.from(failures, (labels): RowVerdict => (labels ? { kind: 'invalid', failures: labels } : VALID));
    for (const index of this.deletions) verdicts[index] = DELETION;
    const results = outcomes.map(({ rule, outcome }) => expectationResult(rule.expectation, outcome));
    return { report: suiteResult(this.suite.name, results, this.options.runTime), verdicts };
  }
}

export function evaluate(suite: ExpectationSuite, rows: Iterable<Row>, options: EvaluateOptions): Evaluation {
  const run = new SuiteRun(suite, options);
  for (const row of rows) run.add(row);
  return run.finish();
}

/** `mostly` sets the share of non-missing values that must be expected; none judged is a success. */
function expectationResult(expectation: Expectation, outcome: CheckOutcome): ExpectationResult {
  const judged = outcome.elementCount - outcome.missingCount;
  const unexpected = outcome.unexpectedRows.length;
  const mostly = expectation.kwargs.mostly ?? 1;
  return {
    expectation_config: expectation,
    success: judged === 0 || (judged - unexpected) / judged >= mostly,
    result: {
      element_count: outcome.elementCount,
      unexpected_count: unexpected,
      unexpected_percent: judged === 0 ? 0 : (unexpected / judged) * 100,
      missing_count: outcome.missingCount,
      partial_unexpected_list: outcome.partialUnexpected,
    },
  };
}

function suiteResult(suiteName: string, results: ExpectationResult[], runTime: Date): GeResult {
  const successful = results.filter((result) => result.success).length;
  return {
    success: successful === results.length,
    suite_name: suiteName,
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
