/**
 * What Insight Hub takes of GX beyond the first six expectations, and where it answers as GX on
 * pandas answers: suite parameters, the other expectation types, row_condition, the typed batch,
 * Python's regexes and equality, and which failures fail a batch as a whole. The differential test
 * (gx-differential.test.ts) holds all of it against GX itself; these pin it without Python.
 */
import { evaluate, failsTheBatch } from '../../activities/quality/engine';
import { parseSuite, ruleLabels } from '../../activities/quality/suite';
import type { Row } from '../../activities/sources/types';
import type { StreamColumn } from '../../domain/streams/types';
import { RUN_TIME } from './rows';

const suiteOf = (...expectations: { type: string; kwargs: Record<string, unknown> }[]) => parseSuite({ name: 'test', expectations });
const columns: StreamColumn[] = [
  { name: 'id', type: 'string' },
  { name: 'email', type: 'string' },
  { name: 'score', type: 'number' },
  { name: 'active', type: 'boolean' },
  { name: 'created_at', type: 'timestamp' },
  { name: 'is_deleted', type: 'boolean' },
];
const typed = { runTime: RUN_TIME, deletedColumn: 'is_deleted', columns };
const failing = (rows: readonly { kind: string; failures?: readonly string[] }[], label: string): number[] =>
  rows.flatMap((verdict, i) => (verdict.failures?.includes(label) ? [i] : []));

describe('suites GX reads as they are', () => {
  it('turns older spellings into GX syntax: relative bounds into run-time suite parameters, dates into UTC instants', () => {
    const suite = suiteOf({
      type: 'expect_column_values_to_be_between',
      kwargs: { column: 'created_at', min_value: 'now-10y', max_value: '2030-01-01' },
    });
    expect(suite.expectations[0]?.kwargs).toEqual({
      column: 'created_at',
      min_value: { $PARAMETER: 'now_minus_10y' },
      max_value: '2030-01-01T00:00:00Z',
    });
  });

  it('fills run-time parameters from the cycle start and reports the values it used', () => {
    const suite = suiteOf({
      type: 'expect_column_values_to_be_between',
      kwargs: { column: 'created_at', min_value: { $PARAMETER: 'now_minus_3y' }, max_value: { $PARAMETER: 'now_plus_5m' } },
    });
    const { report } = evaluate(
      suite,
      [
        { id: 'a', created_at: '2023-03-01T12:00:00Z' },
        { id: 'b', created_at: '2023-03-01T11:59:59.999999Z' },
      ],
      typed,
    );
    expect(report.suite_parameters).toEqual({ now_minus_3y: '2023-03-01T12:00:00.000Z', now_plus_5m: '2026-03-01T12:05:00.000Z' });
    expect(report.results[0]?.result.partial_unexpected_index_list).toEqual([1]);
  });

  it('reads a text row_condition of GX syntax into GX’s condition object, and refuses what GX would half-read', () => {
    const suite = suiteOf({
      type: 'expect_column_values_to_not_be_null',
      kwargs: { column: 'email', row_condition: 'col("score") >= 0.5', condition_parser: 'great_expectations' },
    });
    expect(suite.expectations[0]?.kwargs).toMatchObject({
      row_condition: { type: 'comparison', column: { name: 'score' }, operator: '>=', parameter: 0.5 },
    });
    expect(() =>
      suiteOf({
        type: 'expect_column_values_to_not_be_null',
        kwargs: { column: 'email', row_condition: 'col("a")>1 and col("b")<2', condition_parser: 'great_expectations' },
      }),
    ).toThrow(/row_condition: must be one condition of GX's syntax/);
    const orInAnd = { type: 'and', conditions: [{ type: 'or', conditions: [{ type: 'nullity', column: { name: 'a' }, is_null: true }] }] };
    expect(() => suiteOf({ type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email', row_condition: orInAnd } })).toThrow(
      /AND groups cannot contain OR conditions/,
    );
  });
});

describe('the other expectation types', () => {
  const rows: Row[] = [
    { id: '1', email: 'zoë@example.com', score: 0.2, active: true, created_at: '2025-01-01T00:00:00Z' },
    { id: '2', email: 'BOB@EXAMPLE.ORG', score: 0.9, active: false, created_at: '2025-06-01T00:00:00Z' },
    { id: '3', email: 'x@y', score: null, active: true, created_at: '2026-01-01T00:00:00Z' },
    { id: '4', email: 'gone@example.com', is_deleted: true },
  ];

  it('answer as GX: column present, row counts, value lengths in code points, not_match_regex, not_in_set', () => {
    const suite = suiteOf(
      { type: 'expect_column_to_exist', kwargs: { column: 'email', column_index: 1 } },
      { type: 'expect_column_to_exist', kwargs: { column: 'phone' } },
      { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 3, max_value: 3 } },
      {
        type: 'expect_table_row_count_to_equal',
        kwargs: { value: 2, row_condition: { type: 'comparison', column: { name: 'active' }, operator: '==', parameter: true } },
      },
      { type: 'expect_column_value_lengths_to_be_between', kwargs: { column: 'email', max_value: 15 } },
      { type: 'expect_column_value_lengths_to_equal', kwargs: { column: 'id', value: 1 } },
      { type: 'expect_column_values_to_not_match_regex', kwargs: { column: 'email', regex: '(?i)@example\\.org\\Z' } },
      { type: 'expect_column_values_to_not_be_in_set', kwargs: { column: 'active', value_set: [0] } },
    );
    const { report, verdicts } = evaluate(suite, rows, typed);
    expect(report.results.map((r) => [r.success, r.result])).toEqual([
      [true, {}],
      [false, {}],
      [true, { observed_value: 3 }],
      [true, { observed_value: 2 }],
      [true, expect.objectContaining({ unexpected_count: 0 })],
      [true, expect.objectContaining({ unexpected_count: 0 })],
      [false, expect.objectContaining({ unexpected_count: 1, partial_unexpected_list: ['BOB@EXAMPLE.ORG'] })],
      // false == 0 in Python: the inactive row is in the set.
      [false, expect.objectContaining({ unexpected_count: 1, partial_unexpected_list: [false] })],
    ]);
    expect(failing(verdicts, 'not_match_regex(email)')).toEqual([1]);
    expect(verdicts[3]).toEqual({ kind: 'deletion' });
  });

  it('judge only the rows a row_condition holds for, and count only those', () => {
    const suite = suiteOf({
      type: 'expect_column_values_to_not_be_null',
      kwargs: { column: 'score', row_condition: { type: 'comparison', column: { name: 'active' }, operator: '==', parameter: true } },
    });
    const { report } = evaluate(suite, rows, typed);
    expect(report.results[0]?.result).toMatchObject({ element_count: 2, unexpected_count: 1, partial_unexpected_index_list: [2] });
  });

  it('number a repeated rule, so each quarantine reason names one expectation', () => {
    const suite = suiteOf(
      { type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '@' } },
      { type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '\\.(com|org)\\Z' } },
    );
    expect(ruleLabels(suite)).toEqual(['match_regex(email)', 'match_regex(email)#2']);
    expect(evaluate(suite, rows, typed).verdicts[2]).toEqual({ kind: 'invalid', failures: ['match_regex(email)#2'] });
  });
});

describe('a typed batch, as GX holds it', () => {
  it('reads regexes as Python: $ lets one trailing newline through, \\Z does not, \\w is Unicode', () => {
    const suite = suiteOf(
      { type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '^\\w+@\\w+\\.\\w+$' } },
      { type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '^\\w+@\\w+\\.\\w+\\Z' } },
    );
    const { verdicts } = evaluate(
      suite,
      [
        { id: '1', email: 'zoë@exämple.de\n' },
        { id: '2', email: 'zoë@exämple.de' },
      ],
      typed,
    );
    expect(verdicts).toEqual([{ kind: 'invalid', failures: ['match_regex(email)#2'] }, { kind: 'valid' }]);
  });

  it('takes a value its column cannot hold as missing, and timestamps to the microsecond', () => {
    const suite = suiteOf(
      { type: 'expect_column_values_to_be_between', kwargs: { column: 'score', min_value: 0, max_value: 1 } },
      { type: 'expect_column_values_to_be_between', kwargs: { column: 'created_at', min_value: '2025-01-01T00:00:00.000001Z' } },
    );
    const { report } = evaluate(
      suite,
      [
        { id: '1', score: '0.5', created_at: '2025-01-01T00:00:00.0000009Z' },
        { id: '2', score: true, created_at: '2025-01-01T00:00:00.000001Z' },
        { id: '3', score: 2, created_at: '2025-02-30T00:00:00Z' },
      ],
      typed,
    );
    expect(report.results[0]?.result).toMatchObject({
      element_count: 3,
      missing_count: 2,
      unexpected_count: 1,
      partial_unexpected_list: [2],
    });
    // .0000009 is cut to .000000, below the bound; 2025-02-30 is no timestamp: missing.
    expect(report.results[1]?.result).toMatchObject({ missing_count: 1, unexpected_count: 1, partial_unexpected_index_list: [0] });
  });

  it('raises where pandas raises: a column the batch lacks, bounds its column cannot compare with', () => {
    const suite = suiteOf(
      { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'emial' } },
      { type: 'expect_column_values_to_be_between', kwargs: { column: 'created_at', min_value: 0 } },
      { type: 'expect_column_values_to_be_between', kwargs: { column: 'email', min_value: 0 } },
    );
    const { report, verdicts, batchFailures } = evaluate(suite, [{ id: '1', email: 'a@b.co', created_at: '2025-01-01T00:00:00Z' }], typed);
    expect(report.results.map((r) => [r.success, r.result, r.exception_info.raised_exception])).toEqual([
      [false, {}, true],
      [false, {}, true],
      [false, {}, true],
    ]);
    expect(report.results[0]?.exception_info.exception_message).toBe('the batch has no column "emial"');
    expect(verdicts).toEqual([{ kind: 'valid' }]);
    expect(batchFailures).toEqual(['not_null(emial)', 'between(created_at)', 'between(email)']);
  });
});

describe('which failures fail the batch, not only rows', () => {
  const rows = Array.from({ length: 10 }, (_, i): Row => ({ id: String(i), email: i < 8 ? `u${i}@x.io` : 'nope' }));

  it('a row rule fails only its rows: they are quarantined, and what loads meets it', () => {
    const { report, batchFailures, verdicts } = evaluate(
      suiteOf({ type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '@' } }),
      rows,
      typed,
    );
    expect(report.success).toBe(false);
    expect(verdicts.filter((v) => v.kind === 'invalid')).toHaveLength(2);
    expect(batchFailures).toEqual([]);
  });

  it('a missed mostly fails the batch; a met one does not', () => {
    const run = (mostly: number) =>
      evaluate(suiteOf({ type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '@', mostly } }), rows, typed);
    expect(run(0.9).batchFailures).toEqual(['match_regex(email)']);
    expect(run(0.8).batchFailures).toEqual([]);
    expect(run(0.9).verdicts.filter((v) => v.kind === 'invalid')).toHaveLength(2);
  });

  it('a failed table expectation fails the batch', () => {
    const { report, batchFailures } = evaluate(
      suiteOf({ type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 100 } }),
      rows,
      typed,
    );
    expect(report.results[0] && failsTheBatch(report.results[0])).toBe(true);
    expect(batchFailures).toEqual(['row_count_between']);
  });
});
