import fc from 'fast-check';
import { evaluate, SuiteRun, type RowVerdict } from '../../activities/quality/engine';
import { PARTIAL_UNEXPECTED_LIMIT } from '../../activities/quality/report';
import { parseSuite } from '../../activities/quality/suite';
import type { Row } from '../../activities/sources/types';
import { RUN_TIME } from './rows';

const suiteOf = (...expectations: { type: string; kwargs: Record<string, unknown> }[]) => parseSuite({ name: 'test', expectations });
const rowsOf = (column: string, values: unknown[]): Row[] => values.map((value, i) => ({ id: `r${i}`, [column]: value }));
const options = { runTime: RUN_TIME, deletedColumn: 'is_deleted' };

/** Positions of the rows that fail `label`. */
const failing = (verdicts: RowVerdict[], label: string): number[] =>
  verdicts.flatMap((verdict, i) => (verdict.kind === 'invalid' && verdict.failures.includes(label) ? [i] : []));

describe('expect_column_values_to_be_unique', () => {
  it('marks every occurrence of a repeated value, ignores nulls, tells 1 from "1"', () => {
    const values = ['a', 'b', 'a', null, 1, '1', null, 'a', 'c', 1];
    const { report, verdicts } = evaluate(
      suiteOf({ type: 'expect_column_values_to_be_unique', kwargs: { column: 'k' } }),
      rowsOf('k', values),
      options,
    );
    expect(failing(verdicts, 'unique(k)')).toEqual([0, 2, 4, 7, 9]);
    expect(report.results[0]?.result).toEqual({
      element_count: 10,
      unexpected_count: 5,
      unexpected_percent: (5 / 8) * 100,
      partial_unexpected_list: ['a', 'a', 1, 'a', 1],
      missing_count: 2,
      missing_percent: 20,
      unexpected_percent_total: 50,
      unexpected_percent_nonmissing: (5 / 8) * 100,
      // Counted as Python's Counter, most frequent first.
      partial_unexpected_counts: [
        { value: 'a', count: 3 },
        { value: 1, count: 2 },
      ],
      partial_unexpected_index_list: [0, 2, 4, 7, 9],
    });
    expect(report.results[0]?.success).toBe(false);
  });

  it('agrees with counting each value as Python compares them (true == 1), for any column', () => {
    const value = fc.oneof(fc.constantFrom(null, undefined, true), fc.integer({ min: 0, max: 5 }), fc.constantFrom('x', 'y', '1'));
    const pythonEqual = (v: unknown, w: unknown): boolean =>
      typeof v === 'string' || typeof w === 'string' ? v === w : Number(v) === Number(w);
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), (values) => {
        const { verdicts, report } = evaluate(
          suiteOf({ type: 'expect_column_values_to_be_unique', kwargs: { column: 'k' } }),
          rowsOf('k', values),
          options,
        );
        const repeated = values.map(
          (v) => v !== null && v !== undefined && values.filter((w) => w !== null && w !== undefined && pythonEqual(v, w)).length > 1,
        );
        expect(failing(verdicts, 'unique(k)')).toEqual(repeated.flatMap((r, i) => (r ? [i] : [])));
        expect(report.results[0]?.result.missing_count).toBe(values.filter((v) => v === null || v === undefined).length);
      }),
    );
  });
});

describe('expect_compound_columns_to_be_unique', () => {
  const rows: Row[] = [
    { campaign: 'c1', contact: 'p1' },
    { campaign: 'c1', contact: 'p2' },
    { campaign: 'c1', contact: 'p1' },
    { campaign: 'c2', contact: null },
    { campaign: 'c2', contact: null },
    { campaign: null, contact: null },
    { campaign: null, contact: null },
  ];
  const check = (ignore_row_if?: string) =>
    evaluate(
      suiteOf({
        type: 'expect_compound_columns_to_be_unique',
        kwargs: { column_list: ['campaign', 'contact'], ...(ignore_row_if ? { ignore_row_if } : {}) },
      }),
      rows,
      options,
    );

  it('flags repeated combinations and, by default, skips rows where every column is null', () => {
    const { verdicts, report } = check();
    expect(failing(verdicts, 'compound_unique(campaign,contact)')).toEqual([0, 2, 3, 4]);
    expect(report.results[0]?.result.missing_count).toBe(2);
    expect(report.results[0]?.result.partial_unexpected_list?.[0]).toEqual({ campaign: 'c1', contact: 'p1' });
  });

  it('honours ignore_row_if', () => {
    expect(failing(check('any_value_is_missing').verdicts, 'compound_unique(campaign,contact)')).toEqual([0, 2]);
    expect(failing(check('never').verdicts, 'compound_unique(campaign,contact)')).toEqual([0, 2, 3, 4, 5, 6]);
  });
});

describe('expect_column_values_to_not_be_null', () => {
  it('flags null and absent values, and only those', () => {
    const rows: Row[] = [{ email: 'a@b.co' }, { email: null }, {}, { email: '' }, { email: false }];
    const { verdicts, report } = evaluate(
      suiteOf({ type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email' } }),
      rows,
      options,
    );
    expect(failing(verdicts, 'not_null(email)')).toEqual([1, 2]);
    // GX writes no missing_* fields for not_null: the missing values are what it judges.
    expect(report.results[0]?.result).toEqual({
      element_count: 5,
      unexpected_count: 2,
      unexpected_percent: 40,
      partial_unexpected_list: [null, null],
      partial_unexpected_counts: [{ value: null, count: 2 }],
      partial_unexpected_index_list: [1, 2],
    });
  });
});

describe('expect_column_values_to_be_between', () => {
  const between = (kwargs: Record<string, unknown>, values: unknown[]) =>
    evaluate(suiteOf({ type: 'expect_column_values_to_be_between', kwargs: { column: 'v', ...kwargs } }), rowsOf('v', values), options);

  it('holds sentiment scores to -1..1 and 0..1, bounds included unless strict', () => {
    const scores = [-1, -0.5, 0, 0.5, 1, 1.01, -1.2, null, '0.5'];
    expect(failing(between({ min_value: -1, max_value: 1 }, scores).verdicts, 'between(v)')).toEqual([5, 6, 8]);
    expect(failing(between({ min_value: 0, max_value: 1 }, scores).verdicts, 'between(v)')).toEqual([0, 1, 5, 6, 8]);
    expect(failing(between({ min_value: -1, max_value: 1, strict_min: true, strict_max: true }, scores).verdicts, 'between(v)')).toEqual([
      0, 4, 5, 6, 8,
    ]);
  });

  it('takes one bound alone', () => {
    expect(failing(between({ min_value: 0 }, [-1, 0, 1e9]).verdicts, 'between(v)')).toEqual([0]);
    expect(failing(between({ max_value: 100 }, [-1e9, 100, 101]).verdicts, 'between(v)')).toEqual([2]);
  });

  it('resolves bounds relative to the run time, and judges only real zoned timestamps', () => {
    const at = (ms: number) => new Date(RUN_TIME.getTime() + ms).toISOString();
    const threeYears = RUN_TIME.getTime() - Date.UTC(2023, 2, 1, 12);
    const values = [
      at(0),
      at(-threeYears),
      at(-threeYears - 1),
      at(5 * 60_000),
      at(5 * 60_000 + 1),
      '555-1234',
      '2026-02-30T00:00:00Z',
      1_700_000_000_000,
      null,
    ];
    const { verdicts, report } = between({ min_value: 'now-3y', max_value: 'now+5m' }, values);
    expect(failing(verdicts, 'between(v)')).toEqual([2, 4, 5, 6, 7]);
    expect(report.results[0]?.result.missing_count).toBe(1);
    expect(report.meta.run_time).toBe(RUN_TIME.toISOString());
  });

  it('refuses a bound it cannot resolve even when the suite skipped parseSuite', () => {
    const handMade = {
      name: 'hand-made',
      expectations: [{ type: 'expect_column_values_to_be_between' as const, kwargs: { column: 'v', max_value: 'tomorrow' } }],
    };
    expect(() => evaluate(handMade, [], options)).toThrow(/between\(v\)\.max_value: "tomorrow"/);
  });

  it('takes absolute datetime bounds in any zone', () => {
    const { verdicts } = between({ min_value: '2026-01-01T00:00:00+01:00', max_value: '2026-12-31' }, [
      '2025-12-31T23:00:00Z',
      '2025-12-31T22:59:59Z',
      '2026-12-31T00:00:00Z',
      '2026-12-31T00:00:01Z',
    ]);
    expect(failing(verdicts, 'between(v)')).toEqual([1, 3]);
  });
});

describe('expect_column_values_to_be_in_set and expect_column_values_to_match_regex', () => {
  it('in_set compares as Python: true is not "true" but is 1; a null is missing, not unexpected', () => {
    const { verdicts, report } = evaluate(
      suiteOf({ type: 'expect_column_values_to_be_in_set', kwargs: { column: 'is_active', value_set: [true] } }),
      rowsOf('is_active', [true, false, 'true', null, 1]),
      options,
    );
    expect(failing(verdicts, 'in_set(is_active)')).toEqual([1, 2]);
    expect(report.results[0]?.result).toMatchObject({ unexpected_count: 2, missing_count: 1, unexpected_percent: 50 });
  });

  it('match_regex searches like GX (anchor to match whole values) and fails non-strings', () => {
    const values = ['ada@example.com', 'call +1 415-555-0100', 'x ada@example.com y', 42, null];
    const search = evaluate(
      suiteOf({ type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '[^@\\s]+@[^@\\s]+' } }),
      rowsOf('email', values),
      options,
    );
    expect(failing(search.verdicts, 'match_regex(email)')).toEqual([1, 3]);
    const whole = evaluate(
      suiteOf({ type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '^[^@\\s]+@[^@\\s]+$' } }),
      rowsOf('email', values),
      options,
    );
    expect(failing(whole.verdicts, 'match_regex(email)')).toEqual([1, 2, 3]);
  });
});

describe('mostly', () => {
  it('lets the expectation succeed under its threshold, while failing rows still fail', () => {
    const values = [...Array.from({ length: 95 }, (_, i) => `x${i}@example.com`), ...Array.from({ length: 5 }, () => 'not an email'), null];
    const run = (mostly: number) =>
      evaluate(
        suiteOf({ type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '@', mostly } }),
        rowsOf('email', values),
        options,
      );
    expect(run(0.95).report.success).toBe(true);
    expect(run(0.95).verdicts.filter((v) => v.kind === 'invalid')).toHaveLength(5);
    expect(run(0.96).report.success).toBe(false);
  });
});

describe('the suite result', () => {
  const suite = suiteOf(
    { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' } },
    { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email' } },
    { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'is_active', value_set: [true] } },
  );

  it('has the GX shape: success, statistics and one result per expectation with its config', () => {
    const rows: Row[] = [
      { id: '1', email: 'a@x.io', is_active: true },
      { id: '2', email: null, is_active: false },
      { id: '3', email: 'c@x.io', is_active: true },
    ];
    const { report, verdicts } = evaluate(suite, rows, options);
    expect(report.success).toBe(false);
    expect(report.suite_name).toBe('test');
    expect(report.statistics).toMatchObject({ evaluated_expectations: 3, successful_expectations: 1, unsuccessful_expectations: 2 });
    expect(report.statistics.success_percent).toBeCloseTo(100 / 3);
    expect(report.results.map((r) => [r.expectation_config.type, r.expectation_config.kwargs, r.success])).toEqual([
      ['expect_column_values_to_be_unique', { column: 'id' }, true],
      ['expect_column_values_to_not_be_null', { column: 'email' }, false],
      ['expect_column_values_to_be_in_set', { column: 'is_active', value_set: [true] }, false],
    ]);
    expect(verdicts).toEqual([
      { kind: 'valid' },
      { kind: 'invalid', failures: ['not_null(email)', 'in_set(is_active)'] },
      { kind: 'valid' },
    ]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('quotes at most the first 20 unexpected values, in row order', () => {
    const rows = Array.from({ length: 50 }, (_, i): Row => ({ id: String(i % 25), email: 'e', is_active: true }));
    const result = evaluate(suite, rows, options).report.results[0]?.result;
    expect(result?.unexpected_count).toBe(50);
    expect(result?.partial_unexpected_list).toEqual(rows.slice(0, PARTIAL_UNEXPECTED_LIMIT).map((row) => row.id));
  });

  it('skips deletions: they are neither judged nor counted', () => {
    const rows: Row[] = [
      { id: '1', email: 'a@x.io', is_active: true, is_deleted: false },
      { id: '1', email: null, is_active: false, is_deleted: true },
      { id: '2', email: 'b@x.io', is_active: true },
    ];
    const { report, verdicts } = evaluate(suite, rows, options);
    expect(verdicts).toEqual([{ kind: 'valid' }, { kind: 'deletion' }, { kind: 'valid' }]);
    expect(report.success).toBe(true);
    expect(report.results.every((r) => r.result.element_count === 2)).toBe(true);
  });

  it('an empty batch succeeds with zero counts, and no share of nothing', () => {
    const { report, verdicts } = evaluate(suite, [], options);
    expect(verdicts).toEqual([]);
    expect(report.success).toBe(true);
    const nothing = {
      element_count: 0,
      unexpected_count: 0,
      unexpected_percent: null,
      partial_unexpected_list: [],
      partial_unexpected_counts: [],
      partial_unexpected_index_list: [],
    };
    const nothingMissing = { missing_count: 0, missing_percent: null, unexpected_percent_total: null, unexpected_percent_nonmissing: null };
    expect(report.results.map((r) => r.result)).toEqual([{ ...nothing, ...nothingMissing }, nothing, { ...nothing, ...nothingMissing }]);
  });

  it('gives the same answer fed row by row as all at once', () => {
    const rows = Array.from({ length: 200 }, (_, i): Row => ({ id: String(i % 150), email: i % 7 ? 'e' : null, is_active: i % 11 !== 0 }));
    const run = new SuiteRun(suite, options);
    for (const row of rows) run.add(row);
    expect(run.finish()).toEqual(evaluate(suite, rows, options));
  });
});
