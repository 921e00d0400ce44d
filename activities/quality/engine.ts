/**
 * The expectation engine: pure, one pass over the rows (they may arrive one at a time from a file),
 * giving a GX-shaped report, per row the rules it fails, and the expectations that fail the batch as
 * a whole (see `batchFailures`).
 */
import type { ColumnType } from '../../domain/streams/types';
import type { Row } from '../sources/types';
import { compileCheck } from './checks';
import type { BatchView, Check, TakenOutside } from './column-check';
import { conditionHolds, type RowCondition } from './conditions';
import type { MissingForm } from './counts';
import { suiteParameterValues } from './parameters';
import { mapResult, raised, suiteResult, tableResult, type ExpectationResult, type GeResult } from './report';
import { ruleLabels, type Expectation, type ExpectationSuite } from './suite';
import { PythonTypeError, typedValue, untypedValue } from './values';

export interface EvaluateOptions {
  /** What run-time suite parameters (now_minus_10y) are resolved against: the cycle's start, for repeatable runs. */
  runTime: Date;
  /** The stream's deletion flag: rows with it true are deletions, not data, and are not judged. */
  deletedColumn?: string;
  /**
   * By unique column: whether a row's value is held outside the batch by another row (in the
   * warehouse, or earlier in the extract). Absent: the batch alone is judged.
   */
  takenOutside?: ReadonlyMap<string, TakenOutside>;
  /**
   * The stream's columns: the batch holds them (with whatever other keys its rows hold), and values
   * are judged as their types hold them, as GX judges the typed batch. Absent: values as they come.
   */
  columns?: readonly { readonly name: string; readonly type: ColumnType }[];
}

export type RowVerdict =
  { readonly kind: 'valid' } | { readonly kind: 'deletion' } | { readonly kind: 'invalid'; readonly failures: readonly string[] };

export interface Evaluation {
  report: GeResult;
  /** One per input row, in order; the failures of an invalid row are rule labels in suite order. */
  verdicts: RowVerdict[];
  /** Labels of the failed expectations that quarantining rows does not settle (see `failsTheBatch`). */
  batchFailures: string[];
}

const VALID: RowVerdict = { kind: 'valid' };
const DELETION: RowVerdict = { kind: 'deletion' };

interface CompiledRule {
  expectation: Expectation;
  label: string;
  check: Check | null;
  condition: RowCondition | null;
  /** The columns the expectation and its condition name: GX raises when the batch lacks one. */
  columns: string[];
  /** Rows the condition held for: a table expectation's observed value. */
  rows: number;
  /** What GX would have raised, once it has. */
  error: string | null;
}

const MISSING_FORMS: Readonly<Record<ColumnType, MissingForm>> = {
  string: 'str-nan',
  number: 'float-nan',
  integer: 'float-nan',
  timestamp: 'nat',
  date: 'nat',
  boolean: 'none',
  json: 'none',
};

function conditionColumns(condition: RowCondition | null | undefined): string[] {
  if (!condition) return [];
  return condition.type === 'and' || condition.type === 'or' ? condition.conditions.flatMap(conditionColumns) : [condition.column.name];
}

function namedColumns(expectation: Expectation): string[] {
  // Whether its column is there is what expect_column_to_exist answers.
  if (expectation.type === 'expect_column_to_exist') return [];
  const kwargs = expectation.kwargs;
  const own = 'column' in kwargs ? [kwargs.column] : 'column_list' in kwargs ? kwargs.column_list : [];
  return [...own, ...conditionColumns('row_condition' in kwargs ? kwargs.row_condition : null)];
}

/** The batch as GX sees it: typed by the stream's columns when given. */
function batchView(columns: EvaluateOptions['columns']): BatchView {
  const types = new Map((columns ?? []).map((column) => [column.name, column.type]));
  const typed = columns !== undefined;
  return {
    typed,
    typeOf: (column) => types.get(column),
    value: (row, column) => {
      const type = types.get(column);
      return typed && type !== undefined ? typedValue(type, row[column]) : untypedValue(row[column]);
    },
    missingForm: (column) => {
      const type = types.get(column);
      return typed && type !== undefined ? MISSING_FORMS[type] : 'none';
    },
  };
}

/** The pandas dtype family a condition compares against. */
function columnKind(view: BatchView, column: string): 'time' | 'num' | 'str' | 'object' {
  if (!view.typed) return 'object';
  const type = view.typeOf(column);
  if (type === 'timestamp' || type === 'date') return 'time';
  if (type === 'number' || type === 'integer') return 'num';
  return type === 'string' ? 'str' : 'object';
}

/** Whether two rows' keys are the same, in the same order. */
function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Feed rows with `add`, then `finish` once: for batches read line by line. */
export class SuiteRun {
  private readonly rules: CompiledRule[];
  private readonly view: BatchView;
  private readonly parameters: Record<string, string>;
  private readonly deletions: number[] = [];
  /** The batch's columns in pandas' order: the stream's, then other keys as rows first show them. */
  private readonly columns: Set<string>;
  private rowCount = 0;
  /** The keys of the row added last: a row with the same keys (nearly every row) adds no column. */
  private lastKeys: readonly string[] = [];
  private readonly kindOf = (column: string): 'time' | 'num' | 'str' | 'object' => columnKind(this.view, column);

  constructor(
    private readonly suite: ExpectationSuite,
    private readonly options: EvaluateOptions,
  ) {
    this.view = batchView(options.columns);
    this.columns = new Set((options.columns ?? []).map((column) => column.name));
    this.parameters = suiteParameterValues(
      suite.expectations.map((e) => e.kwargs),
      options.runTime,
    );
    const labels = ruleLabels(suite);
    this.rules = suite.expectations.map((expectation, i) => {
      const label = labels[i] ?? expectation.type;
      const condition = 'row_condition' in expectation.kwargs ? (expectation.kwargs.row_condition ?? null) : null;
      const rule: CompiledRule = { expectation, label, check: null, condition, columns: namedColumns(expectation), rows: 0, error: null };
      try {
        rule.check = compileCheck(expectation, label, this.view, this.parameters, options.takenOutside);
      } catch (error) {
        if (!(error instanceof PythonTypeError)) throw error;
        rule.error = error.message;
      }
      return rule;
    });
  }

  add(row: Row): void {
    const index = this.rowCount;
    this.rowCount += 1;
    const keys = Object.keys(row);
    if (!sameKeys(keys, this.lastKeys)) {
      for (const key of keys) this.columns.add(key);
      this.lastKeys = keys;
    }
    const { deletedColumn } = this.options;
    if (deletedColumn !== undefined && row[deletedColumn] === true) {
      this.deletions.push(index);
      return;
    }
    for (const rule of this.rules) {
      if (rule.error !== null) continue;
      try {
        if (rule.condition && !conditionHolds(rule.condition, (column) => this.view.value(row, column), this.kindOf)) continue;
        rule.rows += 1;
        rule.check?.observe(row, index);
      } catch (error) {
        if (!(error instanceof PythonTypeError)) throw error;
        rule.error = error.message;
      }
    }
  }

  finish(): Evaluation {
    // Without the stream's columns, an empty batch shows none: every column is taken to be there.
    const known = this.options.columns !== undefined || this.rowCount > 0;
    const order = [...this.columns];
    const outcomes = this.rules.map((rule) => {
      const absent = known ? rule.columns.filter((column) => !this.columns.has(column)) : [];
      const error = absent.length > 0 ? `the batch has no column ${absent.map((c) => JSON.stringify(c)).join(', ')}` : rule.error;
      return { rule, error, outcome: error === null ? (rule.check?.finish() ?? null) : null };
    });
    const failures: (string[] | undefined)[] = new Array(this.rowCount);
    for (const { rule, outcome } of outcomes) {
      for (const index of outcome?.unexpectedRows ?? []) (failures[index] ??= []).push(rule.label);
    }
    const verdicts = Array.from(failures, (labels): RowVerdict => (labels ? { kind: 'invalid', failures: labels } : VALID));
    for (const index of this.deletions) verdicts[index] = DELETION;
    const results = outcomes.map(({ rule, error, outcome }) => {
      if (error !== null) return raised(rule.expectation, error);
      if (outcome) return mapResult(rule.expectation, outcome);
      return tableResult(
        rule.expectation,
        rule.rows,
        (column) => (known ? this.columns.has(column) : true),
        (column) => (known ? order.indexOf(column) : null),
      );
    });
    const batchFailures = this.rules.filter((_, i) => results[i] && failsTheBatch(results[i])).map((rule) => rule.label);
    return { report: suiteResult(this.suite.name, results, this.parameters, this.options.runTime), verdicts, batchFailures };
  }
}

export function evaluate(suite: ExpectationSuite, rows: Iterable<Row>, options: EvaluateOptions): Evaluation {
  const run = new SuiteRun(suite, options);
  for (const row of rows) run.add(row);
  return run.finish();
}

/**
 * Whether a failed expectation fails the batch, not only rows: one that raised (a column the batch
 * lacks, a comparison pandas refuses), a table expectation (row count, a column that must exist),
 * or one that sets `mostly` below 1 and misses it. A plain row rule fails only its rows: they are
 * quarantined, and what is loaded meets the expectation.
 */
export function failsTheBatch(result: ExpectationResult): boolean {
  if (result.success) return false;
  if (result.exception_info.raised_exception) return true;
  const { kwargs } = result.expectation_config;
  if (!('column' in kwargs) && !('column_list' in kwargs)) return true;
  if (result.expectation_config.type === 'expect_column_to_exist') return true;
  return 'mostly' in kwargs && kwargs.mostly !== undefined && kwargs.mostly < 1;
}
