/**
 * Erasure in stored quality reports: what counts as the subject's quote (its email in any letter
 * case, its customer id, what its quarantined records show for the rule), and the store's rewrite on
 * PGlite and PostgreSQL — idempotent, with honest figures and the counts of failing rows kept.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { openStore } from '../../activities/store';
import type { Store } from '../../activities/store/store';
import { redactReport, subjectQuotes } from '../../activities/privacy/report-redaction';
import { parseKeyRing } from '../../activities/secrets';
import { keyEntry } from '../secrets/fixtures';
import { createFreshDatabase, startPostgres } from '../store/postgres';
import { useStore, type OpenStore } from '../support/store';

const rule = (column: string) => ({ type: 'expect_column_values_to_match_regex', kwargs: { column, regex: '^x$' } });
const compound = { type: 'expect_compound_columns_to_be_unique', kwargs: { column_list: ['campaign', 'contact'] } };

function report(results: { expectation: unknown; quoted: unknown[]; unexpected?: number }[]): Record<string, unknown> {
  return {
    success: false,
    suite_name: 'salesforce.contact',
    results: results.map(({ expectation, quoted, unexpected }) => ({
      expectation_config: expectation,
      success: false,
      result: {
        element_count: 50,
        unexpected_count: unexpected ?? quoted.length,
        unexpected_percent: 10,
        missing_count: 0,
        partial_unexpected_list: quoted,
      },
    })),
    meta: { run_time: '2025-01-01T00:00:00.000Z', quarantine: null },
  };
}

const quotedLists = z.object({ results: z.array(z.object({ result: z.object({ partial_unexpected_list: z.array(z.unknown()) }) })) });
const quotesOf = (stored: Record<string, unknown>): unknown[][] =>
  quotedLists.parse(stored).results.map((r) => r.result.partial_unexpected_list);

describe('which quotes are the subject’s', () => {
  const email = subjectQuotes({ email: 'Ada.Lovelace@Example.com' }, []);
  const customer = subjectQuotes({ customerId: 'CUST-7' }, []);

  it('the email in any letter case, alone or inside a longer text, but not inside a longer address', () => {
    expect(email('ADA.LOVELACE@example.COM', rule('email'))).toBe(true);
    expect(email(' ada.lovelace@example.com ', rule('email'))).toBe(true);
    expect(email('Ada <ada.lovelace@example.com>', rule('contact'))).toBe(true);
    expect(email({ campaign: 'c1', contact: 'ada.lovelace@example.com' }, compound)).toBe(true);
    expect(email('grace.ada.lovelace@example.com', rule('email'))).toBe(false);
    expect(email('ada.lovelace@example.com.evil', rule('email'))).toBe(false);
    expect(email('someone@example.com', rule('email'))).toBe(false);
  });

  it('the customer id as a whole value, text or number; not a longer id', () => {
    expect(customer('CUST-7', rule('customer_id'))).toBe(true);
    expect(customer('CUST-70', rule('customer_id'))).toBe(false);
    expect(subjectQuotes({ customerId: '4711' }, [])(4711, rule('customer_id'))).toBe(true);
  });

  it('what a quarantined record of the subject shows for the rule, and nothing that names nobody', () => {
    const record = {
      id: 'r1',
      email: 'ada.lovelace@example.com',
      phone: '+44 20 7946 0001',
      campaign: 'c1',
      contact: 'p1',
      title: null,
      active: true,
    };
    const traced = subjectQuotes({ email: 'ada.lovelace@example.com' }, [record]);
    expect(traced('+44 20 7946 0001', rule('phone'))).toBe(true);
    expect(traced({ contact: 'p1', campaign: 'c1' }, compound)).toBe(true);
    expect(traced({ campaign: 'c1', contact: 'p2' }, compound)).toBe(false);
    // A value of the record under another rule's column is not what that rule quoted of the subject.
    expect(traced('+44 20 7946 0001', rule('fax'))).toBe(false);
    expect(traced(null, rule('title'))).toBe(false);
    expect(traced(true, rule('active'))).toBe(false);
  });
});

describe('a report without the subject’s quotes', () => {
  const isSubjects = subjectQuotes({ email: 'ada@example.com' }, []);

  it('keeps every count and every other quote, says how many quotes went, and which request took them', () => {
    const before = report([
      { expectation: rule('email'), quoted: ['ADA@example.com', 'bob@', 'Ada@Example.com'], unexpected: 30 },
      { expectation: rule('phone'), quoted: ['12'] },
    ]);
    const { report: after, values } = redactReport(before, isSubjects, 'request-1');
    expect(values).toBe(2);
    expect(quotesOf(after)).toEqual([['bob@'], ['12']]);
    expect(after).toMatchObject({
      results: [
        { result: { unexpected_count: 30, element_count: 50, partial_unexpected_redacted: 2 } },
        { result: { unexpected_count: 1 } },
      ],
      meta: { run_time: '2025-01-01T00:00:00.000Z', quarantine: null, erasures: [{ request_id: 'request-1', values: 2 }] },
    });
    expect(JSON.stringify(after).toLowerCase()).not.toContain('ada@');
    expect(redactReport(after, isSubjects, 'request-1')).toEqual({ report: after, values: 0 });
  });

  it('takes the quotes out of the counts and the index list too, compound rows included', () => {
    const traced = subjectQuotes({ email: 'ada@example.com' }, [{ campaign: 'c1', contact: 'p-ada' }]);
    const before = {
      results: [
        {
          expectation_config: rule('email'),
          result: {
            unexpected_count: 3,
            partial_unexpected_list: ['ada@example.com', 'bob@', 'ADA@example.com'],
            partial_unexpected_counts: [
              { value: 'ada@example.com', count: 1 },
              { value: 'bob@', count: 1 },
              { value: 'ADA@example.com', count: 1 },
            ],
            partial_unexpected_index_list: [4, 7, 9],
          },
        },
        {
          expectation_config: compound,
          result: {
            unexpected_count: 2,
            partial_unexpected_list: [
              { campaign: 'c1', contact: 'p-ada' },
              { campaign: 'c1', contact: 'p-ada' },
            ],
            partial_unexpected_counts: [{ value: ['c1', 'p-ada'], count: 2 }],
            partial_unexpected_index_list: [1, 2],
          },
        },
      ],
    };
    const { report: after, values } = redactReport(before, traced, 'request-2');
    expect(values).toBe(4);
    expect(after).toMatchObject({
      results: [
        {
          result: {
            partial_unexpected_list: ['bob@'],
            partial_unexpected_counts: [{ value: 'bob@', count: 1 }],
            partial_unexpected_index_list: [7],
          },
        },
        { result: { unexpected_count: 2, partial_unexpected_list: [], partial_unexpected_counts: [], partial_unexpected_index_list: [] } },
      ],
    });
    expect(JSON.stringify(after).toLowerCase()).not.toMatch(/ada@|p-ada/);
  });

  it('is the same report when nothing in it is the subject’s, or it is not a GX result', () => {
    const other = report([{ expectation: rule('email'), quoted: ['bob@'] }]);
    expect(redactReport(other, isSubjects, 'r')).toEqual({ report: other, values: 0 });
    expect(redactReport({ something: 'else' }, isSubjects, 'r')).toEqual({ report: { something: 'else' }, values: 0 });
  });
});

const postgres = startPostgres();

const engines: [string, OpenStore<Store>][] = [['PGlite', () => openStore({})]];
if (postgres.available) {
  engines.push([
    'PostgreSQL',
    async (defer) => {
      const database = await createFreshDatabase(postgres.adminUrl);
      defer(() => database.drop());
      return openStore({ databaseUrl: database.url, secrets: parseKeyRing(keyEntry('k1'), 'INSIGHT_HUB_SECRET_KEYS') });
    },
  ]);
}

describe.each(engines)('stored reports on %s', (_engine, open) => {
  const control = useStore(open);

  const sha = () => randomUUID().replace(/-/g, '').repeat(2);

  it('lose the subject’s quotes in every report, by email, customer id and quarantined record; a retry reports the same', async () => {
    const connectorId = randomUUID();
    const elsewhere = randomUUID();
    const save = (connector: string, stream: string, body: Record<string, unknown>) =>
      control.store.qualityReports.save({ connectorId: connector, stream, batchSha256: sha(), report: body });
    const byEmail = await save(connectorId, 'contact', report([{ expectation: rule('email'), quoted: ['ADA@Example.com', 'bob@'] }]));
    const byCustomer = await save(connectorId, 'contact', report([{ expectation: rule('customer_id'), quoted: ['C-ada', 'C-bob'] }]));
    const byPhone = await save(connectorId, 'contact', report([{ expectation: rule('phone'), quoted: ['555-0100', '555-0199'] }]));
    // The same phone in another connector's report is not traced to the subject's record.
    const otherPhone = await save(elsewhere, 'contact', report([{ expectation: rule('phone'), quoted: ['555-0100'] }]));
    const untouched = await save(connectorId, 'contact', report([{ expectation: rule('email'), quoted: ['bob@'] }]));
    const records = [
      { connectorId, stream: 'contact', record: { id: 'a1', email: 'ada@example.com', customer_id: 'C-ada', phone: '555-0100' } },
    ];
    const requestId = randomUUID();

    expect(await control.store.qualityReports.redact(requestId, { email: 'ada@example.com' }, records)).toEqual({ reports: 3, values: 3 });
    expect(await control.store.qualityReports.redact(requestId, { email: 'ada@example.com' }, records)).toEqual({ reports: 3, values: 3 });

    const stored = async (id: string) => (await control.store.qualityReports.get(id))?.report ?? {};
    expect(quotesOf(await stored(byEmail))).toEqual([['bob@']]);
    expect(quotesOf(await stored(byCustomer))).toEqual([['C-bob']]);
    expect(quotesOf(await stored(byPhone))).toEqual([['555-0199']]);
    expect(quotesOf(await stored(otherPhone))).toEqual([['555-0100']]);
    expect(await stored(untouched)).toEqual(report([{ expectation: rule('email'), quoted: ['bob@'] }]));
    const all = JSON.stringify(await Promise.all([byEmail, byCustomer, byPhone].map(stored))).toLowerCase();
    for (const value of ['ada@example.com', 'c-ada', '555-0100']) expect(all).not.toContain(value);
    expect(await stored(byEmail)).toMatchObject({ results: [{ result: { unexpected_count: 2, partial_unexpected_redacted: 1 } }] });
  });

  it('find a customer id that is a number in the report', async () => {
    const id = await control.store.qualityReports.save({
      connectorId: randomUUID(),
      stream: 'ticket',
      batchSha256: sha(),
      report: report([{ expectation: rule('customer_id'), quoted: [90210, 90211] }]),
    });
    expect(await control.store.qualityReports.redact(randomUUID(), { customerId: '90210' }, [])).toEqual({ reports: 1, values: 1 });
    expect(quotesOf((await control.store.qualityReports.get(id))?.report ?? {})).toEqual([[90211]]);
  });
});
