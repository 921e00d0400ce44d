import { ConnectorError } from '../../activities/errors';
import { parseSuite, ruleLabel, ruleLabels } from '../../activities/quality/suite';

/** The same two rules written as GX 1.x and as GX 0.18 would save them. */
const gx1 = {
  name: 'contacts',
  id: 'b6f6e1d2-0000-4000-8000-000000000001',
  expectations: [
    { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email' }, meta: { notes: 'required' }, id: 'e1' },
    {
      type: 'expect_column_values_to_be_between',
      kwargs: { column: 'created_at', min_value: 'now-3y', max_value: 'now+5m', mostly: 0.99 },
    },
  ],
  meta: { great_expectations_version: '1.3.0' },
  notes: null,
};
const gx018 = {
  expectation_suite_name: 'contacts',
  ge_cloud_id: null,
  data_asset_type: null,
  expectations: [
    { expectation_type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email' }, meta: { notes: 'required' } },
    {
      expectation_type: 'expect_column_values_to_be_between',
      kwargs: { column: 'created_at', min_value: 'now-3y', max_value: 'now+5m', mostly: 0.99 },
      meta: {},
    },
  ],
  meta: { great_expectations_version: '0.18.12' },
};

/** The config error a document raises, as the operator reads it. */
function problemWith(document: unknown): string {
  try {
    parseSuite(document);
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    if (error instanceof ConnectorError) {
      expect(error.category).toBe('config');
      return error.message;
    }
  }
  throw new Error('the suite was accepted');
}

const oneExpectation = (type: string, kwargs: Record<string, unknown>) => ({
  name: 's',
  expectations: [
    { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' } },
    { type, kwargs },
  ],
});

describe('parseSuite', () => {
  it('reads GX 1.x and 0.18 documents into the same suite', () => {
    const current = parseSuite(gx1);
    const legacy = parseSuite(gx018);
    expect(current.name).toBe('contacts');
    expect(current.expectations.map((e) => [e.type, e.kwargs])).toEqual(legacy.expectations.map((e) => [e.type, e.kwargs]));
    expect(current.expectations.map(ruleLabel)).toEqual(['not_null(email)', 'between(created_at)']);
  });

  it('accepts every supported expectation with its GX kwargs', () => {
    const suite = parseSuite({
      name: 'all',
      expectations: [
        { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id', result_format: 'SUMMARY' } },
        { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email', catch_exceptions: false } },
        { type: 'expect_column_values_to_be_between', kwargs: { column: 'sentiment', min_value: -1, max_value: 1, strict_min: true } },
        { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'is_active', value_set: [true] } },
        { type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '^[^@]+@[^@]+$' } },
        {
          type: 'expect_compound_columns_to_be_unique',
          kwargs: { column_list: ['campaign_id', 'contact_id'], ignore_row_if: 'any_value_is_missing' },
        },
      ],
    });
    expect(suite.expectations.map(ruleLabel)).toEqual([
      'unique(id)',
      'not_null(email)',
      'between(sentiment)',
      'in_set(is_active)',
      'match_regex(email)',
      'compound_unique(campaign_id,contact_id)',
    ]);
  });

  it('names the index and lists the supported types for an unknown expectation', () => {
    const message = problemWith(oneExpectation('expect_column_mean_to_be_between', { column: 'amount' }));
    expect(message).toContain('expectations[1].type: unknown expectation type "expect_column_mean_to_be_between"');
    expect(message).toContain('expect_column_values_to_be_in_set');
    expect(
      problemWith({
        ...gx018,
        expectations: [{ expectation_type: 'expect_column_median_to_be_between', kwargs: { column: 'a', min_value: 3 } }],
      }),
    ).toContain('expectations[0].type');
  });

  it.each([
    ['a missing column', 'expect_column_values_to_not_be_null', {}, 'expectations[1].kwargs.column'],
    [
      'an unknown kwarg that would change what is checked',
      'expect_column_values_to_be_between',
      { column: 'a', min_value: 0, parse_strings_as_datetimes: true },
      'expectations[1].kwargs: Unrecognized key: "parse_strings_as_datetimes"',
    ],
    [
      'a row_condition in pandas query text',
      'expect_column_values_to_not_be_null',
      { column: 'a', row_condition: 'b>1', condition_parser: 'pandas' },
      'expectations[1].kwargs.row_condition: text is read only with condition_parser "great_expectations"',
    ],
    [
      'a suite parameter Insight Hub does not fill',
      'expect_column_values_to_be_between',
      { column: 'a', min_value: { $PARAMETER: 'threshold' } },
      'expectations[1].kwargs.min_value: names a suite parameter Insight Hub does not fill',
    ],
    [
      'a suite parameter outside a between bound',
      'expect_column_values_to_not_be_null',
      { column: 'a', mostly: { $PARAMETER: 'now' } },
      'expectations[1].kwargs.mostly: takes no suite parameter',
    ],
    ['mostly above 1', 'expect_column_values_to_be_unique', { column: 'id', mostly: 1.5 }, 'expectations[1].kwargs.mostly'],
    [
      'no bound at all',
      'expect_column_values_to_be_between',
      { column: 'a' },
      'expectations[1].kwargs.min_value: min_value and max_value cannot both be missing',
    ],
    [
      'a number against a datetime',
      'expect_column_values_to_be_between',
      { column: 'a', min_value: 0, max_value: 'now' },
      'expectations[1].kwargs.max_value: must be of the same kind',
    ],
    [
      'an upside-down range',
      'expect_column_values_to_be_between',
      { column: 'a', min_value: 1, max_value: -1 },
      'expectations[1].kwargs.max_value: must not be below min_value',
    ],
    [
      'a relative time in a made-up syntax',
      'expect_column_values_to_be_between',
      { column: 'a', min_value: 'now - 3 years' },
      'expectations[1].kwargs.min_value: must be an ISO-8601 date',
    ],
    [
      'a datetime without a zone',
      'expect_column_values_to_be_between',
      { column: 'a', max_value: '2024-01-01T00:00:00' },
      'expectations[1].kwargs.max_value',
    ],
    [
      'an empty value set',
      'expect_column_values_to_be_in_set',
      { column: 'a', value_set: [] },
      'expectations[1].kwargs.value_set: must hold at least one value',
    ],
    [
      'a regex that does not compile',
      'expect_column_values_to_match_regex',
      { column: 'a', regex: '([a-z' },
      'expectations[1].kwargs.regex: must be a valid regular expression',
    ],
    [
      'a regex in JavaScript syntax Python refuses',
      'expect_column_values_to_match_regex',
      { column: 'a', regex: '^\\p{L}+$' },
      "expectations[1].kwargs.regex: must be a valid regular expression in Python's syntax, as GX runs it: bad escape \\p",
    ],
    [
      'an unknown ignore_row_if',
      'expect_compound_columns_to_be_unique',
      { column_list: ['a', 'b'], ignore_row_if: 'sometimes' },
      'expectations[1].kwargs.ignore_row_if',
    ],
  ])('refuses %s, naming the field', (_, type, kwargs, expected) => {
    expect(problemWith(oneExpectation(type, kwargs))).toContain(expected);
  });

  it('takes a rule written twice, numbering the repeat so that a quarantine reason names one expectation', () => {
    const suite = parseSuite({
      name: 's',
      expectations: [
        { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email' } },
        { type: 'expect_column_values_to_be_unique', kwargs: { column: 'id' } },
        { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'email', mostly: 0.9 } },
      ],
    });
    expect(ruleLabels(suite)).toEqual(['not_null(email)', 'unique(id)', 'not_null(email)#2']);
  });

  it('refuses a document of neither shape', () => {
    expect(problemWith({ expectations: [] })).toContain('name');
    expect(problemWith('not a suite')).toContain('suite');
    expect(problemWith({ expectation_suite_name: '', expectations: [] })).toContain('expectation_suite_name');
  });
});
