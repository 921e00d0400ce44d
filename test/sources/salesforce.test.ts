/**
 * The Salesforce source plug-in, through the real jsforce, against the local simulator: the
 * per-stream checklist (one page, many pages, first run, prior cursor, empty, throttled, bad
 * credentials) plus deletions. Partitions, throttling, the daily quota and failing fast are in
 * salesforce-limits.test.ts.
 */
import { salesforceSourceSchema, salesforceStreams } from '../../activities/sources/salesforce/definition';
import { UNCONVERTIBLE, unconvertibleColumns } from '../../activities/sources/types';
import { buildSoql, mapSalesforceRecord } from '../../activities/sources/salesforce';
import { ConnectorError } from '../../activities/errors';
import { parseResultsChunk } from '../../activities/sources/salesforce/bulk-pages';
import { csvRowMapper } from '../../activities/sources/salesforce/mapping';
import { describeSourceConformance } from './conformance';
import { ORG_PROFILES } from '../../simulators/salesforce/profiles';
import { salesforceCaseFor } from './cases/salesforce';
import { startSalesforceSimulator, type SalesforceSimulatorOptions } from '../../simulators/salesforce/server';
import { useSimulators } from '../support/fixture';
import { cursorAt, inCursorOrder, passwordConfig, readAll, rowsOf } from './salesforce-reading';

const simulator = useSimulators((options: SalesforceSimulatorOptions = {}) => startSalesforceSimulator({ contacts: 60, ...options }));

describe('mapping and SOQL (pure)', () => {
  const contact = salesforceStreams.contact;

  it('maps a wire record to warehouse columns, converting types and keeping nulls', () => {
    const row = mapSalesforceRecord(contact, {
      attributes: { type: 'Contact' },
      Id: '003000000000001AAA',
      CreatedDate: '2024-05-01T12:34:56.000+0000',
      SystemModstamp: '2024-05-02T08:00:00.000+0200',
      IsDeleted: false,
      Customer_Id__c: 12345,
      Email: null,
      Active__c: 'true',
      HasOptedOutOfEmail: false,
    });
    expect(row).toEqual({
      id: '003000000000001AAA',
      created_at: '2024-05-01T12:34:56.000Z',
      system_modstamp: '2024-05-02T06:00:00.000Z',
      is_deleted: false,
      customer_id: '12345',
      first_name: null,
      last_name: null,
      email: null,
      phone: null,
      title: null,
      account_id: null,
      mailing_country: null,
      lead_source: null,
      is_active: true,
      has_opted_out_of_email: false,
      last_modified_at: null,
    });
    const opportunity = mapSalesforceRecord(salesforceStreams.opportunity, {
      Id: '006000000000001AAA',
      Amount: '1250.50',
      Probability: 75,
      CloseDate: '2024-09-30',
    });
    expect(opportunity).toMatchObject({ amount: 1250.5, probability: 75, close_date: '2024-09-30' });
  });

  it('keeps a value of the wrong type aside, its column null, for the quality gate to quarantine the row', () => {
    const row = mapSalesforceRecord(contact, { Id: '003000000000001AAA', CreatedDate: 'secret@example.com', LastName: 'Ng' });
    expect(row).toMatchObject({ id: '003000000000001AAA', created_at: null, last_name: 'Ng' });
    expect(unconvertibleColumns(row)).toEqual(['created_at']);
    expect(row[UNCONVERTIBLE]).toEqual({ created_at: 'secret@example.com' });
  });

  it('maps a Bulk API CSV row as it maps the same record from REST: empty is null, a missing field null, a wrong type kept aside', () => {
    const header = ['Id', 'CreatedDate', 'SystemModstamp', 'IsDeleted', 'Customer_Id__c', 'Email', 'LastName', 'Active__c'];
    const toRow = csvRowMapper(contact, header);
    const csv = ['003000000000001AAA', 'not a date', '2024-05-02T08:00:00.000+0200', 'false', '12345', '', 'Ng', 'true'];
    const rest = {
      Id: '003000000000001AAA',
      CreatedDate: 'not a date',
      SystemModstamp: '2024-05-02T08:00:00.000+0200',
      IsDeleted: 'false',
    };
    const row = toRow(csv);
    expect(row).toEqual(mapSalesforceRecord(contact, { ...rest, Customer_Id__c: '12345', Email: null, LastName: 'Ng', Active__c: 'true' }));
    expect(row).toMatchObject({ email: null, phone: null, is_deleted: false, is_active: true, created_at: null });
    expect(row[UNCONVERTIBLE]).toEqual({ created_at: 'not a date' });
  });

  it('reads a Bulk API results chunk as Salesforce writes CSV, and refuses a truncated or uneven one as a transient error', () => {
    const chunk = 'Id,MailingStreet,Description\n003A,"1 Main St, Apt 2","said ""hi"",\nthen left"\n003B,,\n';
    expect(parseResultsChunk(chunk)).toEqual({
      header: ['Id', 'MailingStreet', 'Description'],
      rows: [
        ['003A', '1 Main St, Apt 2', 'said "hi",\nthen left'],
        ['003B', '', ''],
      ],
    });
    expect(parseResultsChunk('')).toEqual({ header: [], rows: [] });
    for (const [broken, why] of [
      ['Id,Description\n003A,"cut off\n', /not CSV: .*unterminated.*row 2/i],
      ['Id,Description\n003A,x\n003B\n', /not CSV: row 3 has 1 fields where the header has 2/],
    ] as const) {
      const refused = (() => {
        try {
          return parseResultsChunk(broken);
        } catch (error) {
          return error;
        }
      })();
      expect(refused).toBeInstanceOf(ConnectorError);
      expect(refused).toMatchObject({ category: 'transient', message: expect.stringMatching(why) });
    }
  });

  it('selects every source field and resumes strictly after the cursor, breaking ties on Id', () => {
    expect(buildSoql(contact, null)).toBe(
      `SELECT ${contact.columns.map((c) => c.sourceField).join(', ')} FROM Contact ORDER BY SystemModstamp, Id`,
    );
    const soql = buildSoql(contact, { value: '2024-05-01T12:00:00+00:00', lastKey: '003000000000007AAA' });
    expect(soql).toContain(
      "WHERE (SystemModstamp > 2024-05-01T12:00:00.000Z OR (SystemModstamp = 2024-05-01T12:00:00.000Z AND Id > '003000000000007AAA')) ORDER BY SystemModstamp, Id",
    );
    expect(() => buildSoql(contact, { value: 'yesterday', lastKey: "x' OR Id != '" })).toThrow(/cursor of stream contact/);
  });
});

describe('reading a stream from the simulator', () => {
  it('reads a small stream in one page, deleted records included', async () => {
    const sim = await simulator({ deletedRate: 0.05 });
    const pages = await readAll(passwordConfig(sim), 'contact', null);
    expect(pages).toHaveLength(1);
    // The login, then the query.
    expect(pages[0]?.apiCalls).toBe(2);
    const rows = rowsOf(pages);
    expect(rows.map((r) => r.id).sort()).toEqual(
      sim
        .records('Contact')
        .map((r) => r.Id)
        .sort(),
    );
    expect(rows.filter((r) => r.is_deleted === true)).toHaveLength(3);
    expect(inCursorOrder(rows)).toBe(true);
    expect(sim.requests('queryAll')).toHaveLength(1);
  });

  it('follows nextRecordsUrl page by page, one SourcePage per API page', async () => {
    const sim = await simulator({ pageSize: 25 });
    const pages = await readAll(passwordConfig(sim), 'lead', null);
    expect(pages.map((p) => p.rows.length)).toEqual([25, 5]);
    expect(pages.map((p) => p.apiCalls)).toEqual([2, 1]);
    expect(sim.requests('queryMore')).toHaveLength(1);
    const rows = rowsOf(pages);
    expect(new Set(rows.map((r) => r.id)).size).toBe(sim.counts().Lead);
    expect(inCursorOrder(rows)).toBe(true);
  });

  it('resumes after a prior cursor without losing or repeating rows that share its timestamp', async () => {
    const sim = await simulator({ contacts: 200, pageSize: 500 });
    const config = passwordConfig(sim);
    const first = rowsOf(await readAll(config, 'contact', null));
    // A cursor in the middle of a run of equal SystemModstamp values.
    const tie = first.findIndex((row, i) => i > 20 && row.system_modstamp === first[i + 1]?.system_modstamp);
    expect(tie).toBeGreaterThan(0);
    const resumed = rowsOf(await readAll(config, 'contact', cursorAt(first[tie])));
    expect(resumed).toEqual(first.slice(tie + 1));
    expect(sim.requests('queryAll')[1]?.soql).toContain(`Id > '${String(first[tie]?.id)}'`);
  });

  it('returns one empty page when nothing changed since the cursor', async () => {
    const sim = await simulator();
    const config = passwordConfig(sim);
    const all = rowsOf(await readAll(config, 'opportunity', null));
    const pages = await readAll(config, 'opportunity', cursorAt(all.at(-1)));
    expect(pages).toEqual([
      { rows: [], apiCalls: 1, nextPageToken: null, usage: expect.objectContaining({ scope: 'daily API requests' }) },
    ]);
  });

  it('picks up an update and a deletion made after the cursor, the deletion with is_deleted true', async () => {
    const sim = await simulator();
    const config = passwordConfig(sim);
    const all = rowsOf(await readAll(config, 'contact', null));
    const live = sim.records('Contact').filter((r) => r.IsDeleted === false);
    const [changed, removed] = [String(live[0]?.Id), String(live[1]?.Id)];
    sim.updateRecord('Contact', changed, { Title: 'Head of Lifecycle' });
    sim.deleteRecord('Contact', removed);
    const rows = rowsOf(await readAll(config, 'contact', cursorAt(all.at(-1))));
    expect(rows.map((r) => [r.id, r.title === 'Head of Lifecycle', r.is_deleted]).sort()).toEqual(
      [
        [changed, true, false],
        [removed, false, true],
      ].sort(),
    );
  });

  it('logs in again when the session expires mid-read, and carries on', async () => {
    const sim = await simulator({ pageSize: 20 });
    const pages = await readAll(passwordConfig(sim), 'contact', null, { onPage: () => sim.expireSessions() });
    expect(new Set(rowsOf(pages).map((r) => r.id)).size).toBe(sim.counts().Contact);
    expect(sim.requests('token')).toHaveLength(pages.length);
    expect(sim.requests('queryMore').map((r) => r.status)).toEqual([401, 200, 401, 200]);
  });

  it('reads with an access token as well', async () => {
    const sim = await simulator();
    const config = salesforceSourceSchema.parse({
      kind: 'salesforce',
      loginUrl: sim.url,
      auth: { type: 'access-token', accessToken: sim.accessToken },
    });
    expect(rowsOf(await readAll(config, 'campaign_member', null))).toHaveLength(sim.counts().CampaignMember);
    expect(sim.requests('token')).toHaveLength(0);
  });
});

for (const profile of ORG_PROFILES) {
  for (const stream of ['contact', 'campaign', 'account'] as const) describeSourceConformance(salesforceCaseFor(profile, { stream }));
}
