import { ConnectorError } from '../../activities/errors';
import { evaluate, type RowVerdict } from '../../activities/quality/engine';
import { defaultSuiteFor, suiteForDiscoveredStream } from '../../activities/quality/suites';
import type { Expectation } from '../../activities/quality/suite';
import type { Row } from '../../activities/sources/types';
import { SALESFORCE_STREAM_NAMES, salesforceStreams, type SalesforceStreamName } from '../../activities/sources/salesforce/definition';
import type { StreamDefinition } from '../../domain/streams/types';
import { RUN_TIME, campaignMemberRow, contactRow, daysAgo, leadRow, opportunityRow } from './rows';

const MINUTE_MS = 60_000;
const minutesFromRun = (minutes: number): string => new Date(RUN_TIME.getTime() + minutes * MINUTE_MS).toISOString();

/** Runs the stream's default suite over clean rows plus `flawed`, returning the verdict of each flawed row. */
function verdictsOf(stream: SalesforceStreamName, clean: (n: number) => Row, flawed: Row[]): RowVerdict[] {
  const rows = [...Array.from({ length: 20 }, (_, i) => clean(i + 1)), ...flawed];
  const { verdicts } = evaluate(defaultSuiteFor('salesforce', stream), rows, { runTime: RUN_TIME, deletedColumn: 'is_deleted' });
  expect(verdicts.slice(0, 20).every((v) => v.kind === 'valid')).toBe(true);
  return verdicts.slice(20);
}

const reasons = (verdict: RowVerdict | undefined): readonly string[] => (verdict?.kind === 'invalid' ? verdict.failures : []);

/** The flaws the spec names, each on one row, with the rule that must catch it. */
const personFlaws = (row: (n: number, overrides?: Row) => Row): [string, Row, string[]][] => [
  ['null customer id', row(101, { customer_id: null }), ['not_null(customer_id)']],
  ['null email', row(102, { email: null }), ['not_null(email)']],
  ['null last name', row(103, { last_name: null }), ['not_null(last_name)']],
  ['a phone number in the email field', row(104, { email: '+1 415-555-0100' }), ['match_regex(email)']],
  ['a name shifted into the email field', row(105, { email: 'Lovelace' }), ['match_regex(email)']],
  ['a creation date from 1999', row(106, { created_at: '1999-06-01T00:00:00.000+0000' }), ['between(created_at)']],
  ['a creation date a day ahead', row(107, { created_at: minutesFromRun(24 * 60) }), ['between(created_at)']],
  ['a modstamp ten minutes ahead', row(108, { system_modstamp: minutesFromRun(10) }), ['between(system_modstamp)']],
  ['a placeholder epoch date', row(109, { system_modstamp: '1970-01-01T00:00:00.000Z' }), ['between(system_modstamp)']],
  ['inactive', row(110, { is_active: false }), ['in_set(is_active)']],
  ['a lost active flag', row(111, { is_active: null }), ['not_null(is_active)']],
  ['several flaws at once', row(112, { email: null, is_active: false }), ['not_null(email)', 'in_set(is_active)']],
];

describe.each([
  ['contact', contactRow],
  ['lead', leadRow],
] as const)('the default %s suite', (stream, row) => {
  it.each(personFlaws(row))('quarantines %s', (_, flawed, expected) => {
    expect(reasons(verdictsOf(stream, (n) => row(n), [flawed])[0])).toEqual(expected);
  });

  it('flags every row of a duplicated id or customer id, and lets clock skew and old-but-fresh records pass', () => {
    const verdicts = verdictsOf(stream, (n) => row(n), [
      row(201, { customer_id: 'CUST-DUP' }),
      row(202, { customer_id: 'CUST-DUP' }),
      row(203),
      row(203, { customer_id: 'OTHER' }),
      row(204, { system_modstamp: minutesFromRun(4), created_at: daysAgo(9 * 365) }),
    ]);
    expect(verdicts.map(reasons)).toEqual([['unique(customer_id)'], ['unique(customer_id)'], ['unique(id)'], ['unique(id)'], []]);
  });

  it('lets a deletion through whatever its fields hold', () => {
    const verdicts = verdictsOf(stream, (n) => row(n), [row(1, { is_deleted: true, email: null, is_active: false, customer_id: null })]);
    expect(verdicts).toEqual([{ kind: 'deletion' }]);
  });
});

describe('the default lead suite', () => {
  it('requires the company Salesforce requires', () => {
    expect(reasons(verdictsOf('lead', (n) => leadRow(n), [leadRow(300, { company: null })])[0])).toEqual(['not_null(company)']);
  });
});

describe('the default opportunity suite', () => {
  it.each([
    ['a probability above 100', { probability: 120 }, ['between(probability)']],
    ['a negative probability', { probability: -10 }, ['between(probability)']],
    ['no stage', { stage_name: null }, ['not_null(stage_name)']],
    ['no close date', { close_date: null }, ['not_null(close_date)']],
    ['a creation date from 2001', { created_at: '2001-01-01T00:00:00Z' }, ['between(created_at)']],
  ])('quarantines %s', (_, overrides, expected) => {
    expect(reasons(verdictsOf('opportunity', (n) => opportunityRow(n), [opportunityRow(100, overrides)])[0])).toEqual(expected);
  });
});

describe('the default campaign member suite', () => {
  it.each([
    ['no campaign', { campaign_id: null }, ['not_null(campaign_id)']],
    ['no status', { status: null }, ['not_null(status)']],
    ['a modstamp in next year', { system_modstamp: minutesFromRun(365 * 24 * 60) }, ['between(system_modstamp)']],
  ])('quarantines %s', (_, overrides, expected) => {
    expect(reasons(verdictsOf('campaign_member', (n) => campaignMemberRow(n), [campaignMemberRow(100, overrides)])[0])).toEqual(expected);
  });
});

const columnsOf = (expectation: Expectation): string[] =>
  expectation.type === 'expect_compound_columns_to_be_unique'
    ? expectation.kwargs.column_list
    : 'column' in expectation.kwargs
      ? [expectation.kwargs.column]
      : [];

describe('defaultSuiteFor', () => {
  it.each(SALESFORCE_STREAM_NAMES)('gives %s a suite over columns the stream has, with duplicate ids and timestamp windows', (stream) => {
    const suite = defaultSuiteFor('salesforce', stream);
    const columns = new Set(salesforceStreams[stream].columns.map((c) => c.name));
    expect(suite.expectations.flatMap(columnsOf).filter((c) => !columns.has(c))).toEqual([]);
    const rules = suite.expectations.map((e) => `${e.type}(${columnsOf(e).join(',')})`);
    expect(rules).toEqual(
      expect.arrayContaining([
        'expect_column_values_to_be_unique(id)',
        'expect_column_values_to_not_be_null(id)',
        'expect_column_values_to_be_between(created_at)',
        'expect_column_values_to_be_between(system_modstamp)',
      ]),
    );
  });

  it('refuses a stream it has no suite for, naming it', () => {
    expect(() => defaultSuiteFor('salesforce', 'asset')).toThrow(ConnectorError);
    expect(() => defaultSuiteFor('zendesk', 'ticket')).toThrow(/ticket of source zendesk/);
  });
});

describe("a discovered stream's suite follows the connector's active rule", () => {
  const contact = salesforceStreams.contact;
  const onActiveRule = (stream: StreamDefinition) =>
    suiteForDiscoveredStream('salesforce', stream).expectations.filter(
      (e) => 'column' in e.kwargs && e.kwargs.column === stream.activeRule?.column,
    );

  test('the default rule (Active__c = true) keeps the source’s suite as it is', () => {
    expect(suiteForDiscoveredStream('salesforce', contact)).toEqual(defaultSuiteFor('salesforce', 'contact'));
  });

  test('a rule on another field: the flag’s rules name that field and hold back any other value, and an inactive Gold contact passes', () => {
    const stream: StreamDefinition = {
      ...contact,
      columns: [...contact.columns, { name: 'loyalty_tier__c', type: 'string' }],
      activeRule: { column: 'loyalty_tier__c', equals: 'Gold' },
    };
    expect(onActiveRule(stream).map((e) => [e.type, 'value_set' in e.kwargs ? e.kwargs.value_set : null])).toEqual([
      ['expect_column_values_to_not_be_null', null],
      ['expect_column_values_to_be_in_set', ['Gold']],
    ]);
    const suite = suiteForDiscoveredStream('salesforce', stream);
    expect(JSON.stringify(suite)).not.toContain('is_active');
    const rows = [
      contactRow(1, { loyalty_tier__c: 'Gold', is_active: false }),
      contactRow(2, { loyalty_tier__c: 'Silver' }),
      contactRow(3),
    ];
    const { verdicts } = evaluate(suite, rows, { runTime: RUN_TIME, deletedColumn: 'is_deleted' });
    expect(verdicts.map(reasons)).toEqual([[], ['in_set(loyalty_tier__c)'], ['not_null(loyalty_tier__c)']]);
  });

  test('no rule (a stock org, or activeRule: null): no rule on the flag at all', () => {
    const suite = suiteForDiscoveredStream('salesforce', { ...contact, activeRule: undefined });
    expect(JSON.stringify(suite)).not.toContain('is_active');
    expect(evaluate(suite, [contactRow(1, { is_active: false })], { runTime: RUN_TIME }).verdicts[0]?.kind).toBe('valid');
  });
});
