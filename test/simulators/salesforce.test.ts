/**
 * The Salesforce simulator on its wire: what a client sees over HTTP, and whether the planted flaws
 * match the ground truth it reports.
 */
import { DEFAULT_FLAW_RATES, FLAWS_BY_OBJECT, type Flaw } from '../../simulators/salesforce/flaws';
import {
  startSalesforceSimulator,
  SIMULATOR_ORG_ID,
  SIMULATOR_USER_ID,
  type SalesforceSimulator,
} from '../../simulators/salesforce/server';
import type { SimRecord } from '../../simulators/salesforce/schema';
import { useSimulators } from '../support/fixture';

const simulator = useSimulators((options: Parameters<typeof startSalesforceSimulator>[0] = {}) => startSalesforceSimulator(options));

const data = (sim: SalesforceSimulator, path: string, token = sim.accessToken): Promise<Response> =>
  fetch(`${sim.url}/services/data/v59.0${path}`, { headers: { Authorization: `Bearer ${token}` } });
const soql = (sim: SalesforceSimulator, query: string, all = false): Promise<Response> =>
  data(sim, `/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(query)}`);

interface WirePage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}
const page = async (response: Response): Promise<WirePage> => {
  expect(response.status).toBe(200);
  return (await response.json()) as WirePage;
};

describe('generated org and its ground truth', () => {
  const NOW = new Date('2026-06-01T12:00:00.000Z');
  const PHONE = /^\+1 \d{3}-555-\d{4}$/;

  /** An independent reading of each record: which flaws does it visibly have? */
  function visibleFlaws(record: SimRecord, customerIdCounts: Map<unknown, number>): Flaw[] {
    const flaws: Flaw[] = [];
    const created = Date.parse(String(record.CreatedDate));
    if ('Customer_Id__c' in record) {
      if (record.Customer_Id__c === null) flaws.push('null-customer-id');
      else if ((customerIdCounts.get(record.Customer_Id__c) ?? 0) > 1) flaws.push('duplicate-customer-id');
      if (record.Email === null) flaws.push('null-email');
      else if (PHONE.test(String(record.Email))) flaws.push('misaligned-email');
      if (record.LastName === null) flaws.push('null-last-name');
      if (record.Active__c === false) flaws.push('inactive');
    }
    if ('Probability' in record && (Number(record.Probability) < 0 || Number(record.Probability) > 100)) {
      flaws.push('probability-out-of-range');
    }
    if (created < Date.parse('2006-01-01T00:00:00Z')) flaws.push('created-date-too-old');
    if (created > NOW.getTime()) flaws.push('created-date-in-future');
    return flaws;
  }

  it('plants each flaw at its configured rate, exactly where the ground truth says', async () => {
    const sim = await simulator({ contacts: 1000, now: NOW, seed: 7 });
    for (const object of ['Contact', 'Lead', 'Opportunity', 'CampaignMember'] as const) {
      const records = sim.records(object);
      const truth = new Map(sim.groundTruth(object).map((t) => [t.id, t]));
      expect(truth.size).toBe(records.length);
      const customerIds = new Map<unknown, number>();
      for (const r of records) customerIds.set(r.Customer_Id__c, (customerIds.get(r.Customer_Id__c) ?? 0) + 1);
      const seen = records.map((r) => ({ id: r.Id, flaws: visibleFlaws(r, customerIds), deleted: r.IsDeleted }));
      expect(seen).toEqual(records.map((r) => truth.get(String(r.Id))));
      const planted = FLAWS_BY_OBJECT[object].map((flaw) => [flaw, [...truth.values()].filter((t) => t.flaws.includes(flaw)).length]);
      const configured = FLAWS_BY_OBJECT[object].map((flaw) => [
        flaw,
        Math.round(DEFAULT_FLAW_RATES[flaw] * records.length) * (flaw === 'duplicate-customer-id' ? 2 : 1),
      ]);
      expect(planted).toEqual(configured);
    }
  });

  it('is deterministic for a seed, with many records sharing one SystemModstamp', async () => {
    const [a, b, c] = await Promise.all([
      simulator({ contacts: 300, now: NOW, seed: 1 }),
      simulator({ contacts: 300, now: NOW, seed: 1 }),
      simulator({ contacts: 300, now: NOW, seed: 2 }),
    ]);
    expect(a?.records('Contact')).toEqual(b?.records('Contact'));
    expect(a?.records('Contact')).not.toEqual(c?.records('Contact'));
    const stamps = new Set(a?.records('Contact').map((r) => r.SystemModstamp));
    expect(stamps.size).toBeLessThan(300 / 4);
    expect([...stamps].every((s) => /\.000Z$/.test(String(s)))).toBe(true);
  });

  it('keeps the flaws out when their rates are zero', async () => {
    const rates = Object.fromEntries(Object.keys(DEFAULT_FLAW_RATES).map((f) => [f, 0]));
    const sim = await simulator({ contacts: 200, flawRates: rates, deletedRate: 0 });
    expect(sim.groundTruth('Contact').every((t) => t.flaws.length === 0 && !t.deleted)).toBe(true);
  });
});

describe('OAuth and sessions', () => {
  const token = (sim: SalesforceSimulator, fields: Record<string, string>): Promise<Response> =>
    fetch(`${sim.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', ...fields }).toString(),
    });

  it('grants a token for the right credentials, with an identity URL ending in org and user ids', async () => {
    const sim = await simulator({ contacts: 10 });
    const { clientId, clientSecret, username, password } = sim.credentials;
    const response = await token(sim, { client_id: clientId, client_secret: clientSecret, username, password });
    const body = (await response.json()) as { access_token: string; instance_url: string; id: string };
    expect(body.instance_url).toBe(sim.url);
    expect(body.id.endsWith(`/${SIMULATOR_ORG_ID}/${SIMULATOR_USER_ID}`)).toBe(true);
    expect((await data(sim, '/limits', body.access_token)).status).toBe(200);
  });

  it('answers invalid_grant to a wrong password and 401 INVALID_SESSION_ID to an unknown token', async () => {
    const sim = await simulator({ contacts: 10 });
    const { clientId, clientSecret, username } = sim.credentials;
    const refused = await token(sim, { client_id: clientId, client_secret: clientSecret, username, password: 'wrong' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
    const unknown = await data(sim, '/limits', 'not-a-token');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual([{ errorCode: 'INVALID_SESSION_ID', message: expect.any(String) }]);
  });
});

describe('SOQL', () => {
  const FIELDS = 'Id, SystemModstamp, Customer_Id__c, IsDeleted';

  it('filters with the incremental cursor condition, orders by SystemModstamp then Id, and limits', async () => {
    const sim = await simulator({ contacts: 120 });
    const all = sim.records('Contact').filter((r) => r.IsDeleted === false);
    const byCursor = [...all].sort(
      (a, b) => String(a.SystemModstamp).localeCompare(String(b.SystemModstamp)) || String(a.Id).localeCompare(String(b.Id)),
    );
    const pivot = byCursor[40];
    const stamp = String(pivot?.SystemModstamp);
    const condition = `SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > '${String(pivot?.Id)}')`;
    const result = await page(await soql(sim, `select ${FIELDS} from contact where ${condition} order by SystemModstamp, Id limit 50`));
    expect(result.records.map((r) => r.Id)).toEqual(byCursor.slice(41, 91).map((r) => r.Id));
    expect(result.records[0]?.SystemModstamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/);
    expect(result.records[0]?.attributes).toEqual({ type: 'Contact', url: expect.stringContaining('/sobjects/Contact/') });
  });

  it('hides deleted records from query and shows them to queryAll', async () => {
    const sim = await simulator({ contacts: 100, deletedRate: 0.05 });
    const deleted = sim
      .groundTruth('Contact')
      .filter((t) => t.deleted)
      .map((t) => t.id);
    expect(deleted).toHaveLength(5);
    const visible = await page(await soql(sim, `SELECT Id FROM Contact`));
    const everything = await page(await soql(sim, `SELECT Id, IsDeleted FROM Contact`, true));
    expect(visible.totalSize).toBe(95);
    expect(
      everything.records
        .filter((r) => r.IsDeleted === true)
        .map((r) => r.Id)
        .sort(),
    ).toEqual(deleted.sort());
  });

  it('rejects bad SOQL the way Salesforce does', async () => {
    const sim = await simulator({ contacts: 10 });
    const cases: [string, string][] = [
      ['SELECT Id FROM Contact WHERE', 'MALFORMED_QUERY'],
      ['SELECT Nope FROM Contact', 'INVALID_FIELD'],
      ['SELECT Id FROM Asset', 'INVALID_TYPE'],
      ["SELECT Id FROM Contact WHERE SystemModstamp > '2024-01-01T00:00:00Z'", 'INVALID_FIELD'],
      ['SELECT Id FROM Contact WHERE Customer_Id__c = CUST-1', 'MALFORMED_QUERY'],
    ];
    for (const [query, errorCode] of cases) {
      const response = await soql(sim, query);
      expect([query, response.status, ((await response.json()) as { errorCode: string }[])[0]?.errorCode]).toEqual([query, 400, errorCode]);
    }
  });

  it('pages by nextRecordsUrl, for queryAll too, and refuses an unknown locator', async () => {
    const sim = await simulator({ contacts: 45, pageSize: 20 });
    let result = await page(await soql(sim, 'SELECT Id FROM Contact ORDER BY SystemModstamp, Id', true));
    const ids = result.records.map((r) => r.Id);
    const sizes = [result.records.length];
    while (!result.done && result.nextRecordsUrl) {
      result = await page(await fetch(`${sim.url}${result.nextRecordsUrl}`, { headers: { Authorization: `Bearer ${sim.accessToken}` } }));
      ids.push(...result.records.map((r) => r.Id));
      sizes.push(result.records.length);
    }
    expect(sizes).toEqual([20, 20, 5]);
    expect(new Set(ids).size).toBe(45);
    expect(sim.requests('queryMore')).toHaveLength(2);
    const stale = await data(sim, '/query/01gNOPE-2000');
    expect(stale.status).toBe(400);
    expect(((await stale.json()) as { errorCode: string }[])[0]?.errorCode).toBe('INVALID_QUERY_LOCATOR');
  });
});

describe('quota, throttling and the request log', () => {
  it('reports api-usage on every data response and answers 403 REQUEST_LIMIT_EXCEEDED once the quota is spent', async () => {
    const sim = await simulator({ contacts: 10, quota: { used: 8, max: 10 } });
    const first = await data(sim, '/limits');
    expect(first.headers.get('sforce-limit-info')).toBe('api-usage=9/10');
    expect(await first.json()).toEqual({ DailyApiRequests: { Max: 10, Remaining: 1 } });
    expect((await data(sim, '/limits')).headers.get('sforce-limit-info')).toBe('api-usage=10/10');
    const refused = await data(sim, '/limits');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { errorCode: string }[])[0]?.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    sim.setQuota({ used: 0 });
    expect((await data(sim, '/limits')).status).toBe(200);
  });

  it('throttles the requested number of calls after the requested delay, with Retry-After', async () => {
    const sim = await simulator({ contacts: 10 });
    sim.throttle({ status: 429, times: 2, retryAfterSeconds: 3, after: 1 });
    const statuses: [number, string | null][] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await data(sim, '/limits');
      statuses.push([response.status, response.headers.get('retry-after')]);
    }
    expect(statuses).toEqual([
      [200, null],
      [429, '3'],
      [429, '3'],
      [200, null],
    ]);
    expect(sim.quota().used).toBe(2);
    const log = sim.requests('limits');
    expect(log.map((r) => r.status)).toEqual([200, 429, 429, 200]);
    expect(log.every((r, i) => i === 0 || r.at >= (log[i - 1]?.at ?? 0))).toBe(true);
  });

  it('is steered over its /__sim/ admin routes and names bad fields in a 400', async () => {
    const sim = await simulator({ contacts: 10 });
    const admin = (method: string, path: string, body?: unknown): Promise<Response> =>
      fetch(`${sim.url}/__sim${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await admin('POST', '/throttle', { status: 503, times: 1 })).status).toBe(204);
    expect((await data(sim, '/limits')).status).toBe(503);
    const bad = await admin('POST', '/throttle', { status: 200, times: 0 });
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { issues: string[] }).issues.join('\n');
    expect(issues).toMatch(/status/);
    expect(issues).toMatch(/times/);
    expect(await (await admin('PUT', '/quota', { used: 5, max: 50 })).json()).toEqual({ used: 5, max: 50 });
    const inserted = (await (await admin('POST', '/records/Contact', { count: 2 })).json()) as { ids: string[] };
    expect(inserted.ids).toHaveLength(2);
    expect((await admin('DELETE', `/records/Contact/${inserted.ids[0] ?? ''}`)).status).toBe(200);
    expect((await admin('DELETE', '/records/Contact/003000000009999AAA')).status).toBe(404);
    const state = (await (await admin('GET', '/state')).json()) as { records: { Contact: number } };
    expect(state.records.Contact).toBe(12);
  });
});

describe('changes', () => {
  it('bumps SystemModstamp on update and delete, never backwards', async () => {
    const sim = await simulator({ contacts: 30 });
    const latest = sim.records('Contact').reduce((max, r) => (String(r.SystemModstamp) > max ? String(r.SystemModstamp) : max), '');
    const target = String(sim.records('Contact')[3]?.Id);
    const updated = sim.updateRecord('Contact', target, { Title: 'Head of Growth' });
    expect(String(updated.SystemModstamp) >= latest).toBe(true);
    expect(updated.Title).toBe('Head of Growth');
    expect(() => sim.updateRecord('Contact', target, { Nope: 1 })).toThrow(/no field Nope/);
    expect(() => sim.updateRecord('Contact', target, { Active__c: 'yes' })).toThrow(/Active__c must be a boolean/);
    const deleted = sim.deleteRecord('Contact', target);
    expect(deleted.IsDeleted).toBe(true);
    expect(sim.groundTruth('Contact').find((t) => t.id === target)?.deleted).toBe(true);
  });
});
