/**
 * The Salesforce source plug-in, through the real jsforce, against the local simulator: the
 * per-stream checklist (one page, many pages, first run, prior cursor, empty, throttled, bad
 * credentials) plus deletions and the daily quota.
 */
import { salesforceSourceSchema, salesforceStreams } from '../../activities/sources/salesforce/definition';
import type { StreamCursor } from '../../domain/cycle';
import { ConnectorError, RateLimitedError } from '../../activities/errors';
import { UNCONVERTIBLE, unconvertibleColumns } from '../../activities/sources/types';
import { buildSoql, mapSalesforceRecord, salesforceSource, type SalesforceSourceConfig } from '../../activities/sources/salesforce';
import type { Row, SourcePage } from '../../activities/sources/types';
import { describeSourceConformance } from './conformance';
import { salesforceCase } from './cases/salesforce';
import { startSalesforceSimulator, type SalesforceSimulator, type SalesforceSimulatorOptions } from '../../simulators/salesforce/server';
import { useSimulators } from '../support/fixture';

const simulator = useSimulators((options: SalesforceSimulatorOptions = {}) => startSalesforceSimulator({ contacts: 60, ...options }));

function passwordConfig(
  sim: SalesforceSimulator,
  overrides: Partial<{ password: string; apiQuotaShare: number }> = {},
): SalesforceSourceConfig {
  return salesforceSourceSchema.parse({
    kind: 'salesforce',
    loginUrl: sim.url,
    auth: { type: 'oauth-password', ...sim.credentials, password: overrides.password ?? sim.credentials.password },
    apiQuotaShare: overrides.apiQuotaShare ?? 0.9,
  });
}

/** Reads page by page as the workflow does, each page from the previous one's token. */
async function readAll(
  config: SalesforceSourceConfig,
  stream: string,
  cursor: StreamCursor | null,
  {
    signal = new AbortController().signal,
    partition = null,
    onPage,
  }: { signal?: AbortSignal; partition?: string | null; onPage?: (page: SourcePage) => void } = {},
): Promise<SourcePage[]> {
  const pages: SourcePage[] = [];
  let pageToken: string | null = null;
  for (;;) {
    const page = await salesforceSource.readPage(config, stream, { connectorId: 'salesforce-test', cursor, pageToken, partition }, signal);
    pages.push(page);
    onPage?.(page);
    if (page.nextPageToken === null) return pages;
    pageToken = page.nextPageToken;
  }
}

const rowsOf = (pages: SourcePage[]): Row[] => pages.flatMap((p) => p.rows);
const cursorAt = (row: Row | undefined): StreamCursor => ({ value: String(row?.system_modstamp), lastKey: String(row?.id) });
const inCursorOrder = (rows: Row[]): boolean =>
  rows.every((row, i) => {
    const prev = rows[i - 1];
    if (!prev) return true;
    const [a, b] = [String(prev.system_modstamp), String(row.system_modstamp)];
    return a < b || (a === b && String(prev.id) < String(row.id));
  });

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

describe('partitions by customer-ID range', () => {
  it('reads every contact exactly once across the ranges, the ones without a customer ID in the first', async () => {
    const sim = await simulator({ contacts: 300, pageSize: 40 });
    const config = salesforceSourceSchema.parse({ ...passwordConfig(sim), customerIdBoundaries: ['CUST-100100', 'CUST-100200'] });
    const partitions = salesforceSource.partitions?.(config, 'contact') ?? [];
    expect(partitions).toEqual(['..CUST-100100', 'CUST-100100..CUST-100200', 'CUST-100200..']);
    expect(salesforceSource.partitions?.(config, 'opportunity')).toEqual([]);
    const perRange = await Promise.all(partitions.map(async (partition) => rowsOf(await readAll(config, 'contact', null, { partition }))));
    const ids = perRange.flat().map((row) => row.id);
    expect(ids.sort()).toEqual(
      sim
        .records('Contact')
        .map((r) => r.Id)
        .sort(),
    );
    expect(perRange[0]?.some((row) => row.customer_id === null)).toBe(true);
    perRange.forEach((rows) => expect(inCursorOrder(rows)).toBe(true));
    expect(perRange[1]?.every((row) => String(row.customer_id) >= 'CUST-100100' && String(row.customer_id) < 'CUST-100200')).toBe(true);
  });

  it('refuses boundaries out of order, naming the field', () => {
    const parsed = salesforceSourceSchema.safeParse({
      kind: 'salesforce',
      loginUrl: 'https://login.salesforce.com',
      auth: { type: 'access-token', accessToken: 't' },
      customerIdBoundaries: ['B', 'A'],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['customerIdBoundaries'], message: expect.stringContaining('ascending') });
  });
});

describe('throttling and the daily quota', () => {
  it('turns a 429 into a RateLimitedError carrying Retry-After, without jsforce retrying', async () => {
    const sim = await simulator();
    sim.throttle({ status: 429, times: 1, retryAfterSeconds: 7 });
    const error: unknown = await readAll(passwordConfig(sim), 'contact', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ category: 'rate-limited', retryAfterMs: 7000 });
    expect(sim.requests('queryAll').map((r) => r.status)).toEqual([429]);
  });

  it('treats 503 and the concurrent-request limit as throttles, a missing Retry-After as no hint', async () => {
    const sim = await simulator({ pageSize: 20 });
    sim.throttle({ status: 503, times: 1, after: 1 });
    const pages: SourcePage[] = [];
    await expect(readAll(passwordConfig(sim), 'contact', null, { onPage: (page) => pages.push(page) })).rejects.toMatchObject({
      category: 'rate-limited',
      retryAfterMs: null,
    });
    expect(pages.map((p) => p.rows.length)).toEqual([20]);
    sim.throttle({ status: 403, times: 1, retryAfterSeconds: 2 });
    await expect(readAll(passwordConfig(sim), 'contact', null)).rejects.toMatchObject({ category: 'rate-limited', retryAfterMs: 2000 });
  });

  it("stops with a marker once the connector's share of the daily quota is used", async () => {
    const sim = await simulator({ pageSize: 20, quota: { used: 88, max: 100 } });
    const pages = await readAll(passwordConfig(sim, { apiQuotaShare: 0.9 }), 'contact', null);
    expect(pages.map((p) => [p.rows.length, p.stop?.reason])).toEqual([
      [20, undefined],
      [20, 'daily-api-quota'],
    ]);
    expect(pages[1]?.stop?.detail).toContain('90/100');
    expect(sim.quota().used).toBe(90);
  });

  it('ends with an empty stop page when Salesforce answers 403 REQUEST_LIMIT_EXCEEDED', async () => {
    const sim = await simulator({ quota: { used: 500, max: 500 } });
    const pages = await readAll(passwordConfig(sim, { apiQuotaShare: 1 }), 'contact', null);
    expect(pages).toEqual([
      {
        rows: [],
        apiCalls: 2,
        nextPageToken: null,
        stop: { reason: 'daily-api-quota', detail: expect.stringContaining('REQUEST_LIMIT_EXCEEDED') },
      },
    ]);
  });
});

describe('failing fast', () => {
  it('refuses bad credentials at once as an auth error with a hint', async () => {
    const sim = await simulator();
    const started = Date.now();
    const error: unknown = await readAll(passwordConfig(sim, { password: 'wrong' }), 'contact', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ category: 'auth', message: expect.stringMatching(/invalid_grant.*check the username/) });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(sim.requests('token')).toHaveLength(1);
    expect(sim.requests('queryAll')).toHaveLength(0);
  });

  it('refuses a revoked access token as an auth error', async () => {
    const sim = await simulator();
    const config = salesforceSourceSchema.parse({
      kind: 'salesforce',
      loginUrl: sim.url,
      auth: { type: 'access-token', accessToken: 'revoked' },
    });
    await expect(readAll(config, 'contact', null)).rejects.toMatchObject({
      category: 'auth',
      message: expect.stringContaining('INVALID_SESSION_ID'),
    });
  });

  it('refuses an unknown stream as a config error', async () => {
    const sim = await simulator();
    await expect(readAll(passwordConfig(sim), 'account', null)).rejects.toMatchObject({
      category: 'config',
      message: expect.stringContaining('unknown Salesforce stream "account"'),
    });
    expect(sim.requests()).toHaveLength(0);
  });

  it('stops when its signal aborts, between pages', async () => {
    const sim = await simulator({ pageSize: 10 });
    const controller = new AbortController();
    const pages: SourcePage[] = [];
    const reading = readAll(passwordConfig(sim), 'contact', null, {
      signal: controller.signal,
      onPage: (page) => {
        pages.push(page);
        controller.abort(new Error('activity cancelled'));
      },
    });
    await expect(reading).rejects.toThrow('activity cancelled');
    expect(pages).toHaveLength(1);
    expect(sim.requests('queryMore')).toHaveLength(0);
  });
});

describeSourceConformance(salesforceCase);
