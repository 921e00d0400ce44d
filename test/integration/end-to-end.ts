/**
 * End to end, as a user drives it: API → Temporal → Salesforce simulator (real jsforce) → quality
 * gate → a warehouse, checked against the simulator's ground truth. One suite, run once per
 * destination by the *.e2e.test.ts files beside it.
 */
import { z } from 'zod';
import { simulatedSalesforceSource } from '../../simulators/salesforce/source';
import { useStack, type SuiteDestination } from '../support/stack';
import { scheduledConnector } from './scheduled-connector';

const CONTACTS = 3_000; // below the batch size, so the batch-wide uniqueness check sees every duplicate pair

/** A destination for one run of the suite: its config (schema `marketing`) and how to tear it down. */
export type EndToEndDestination = SuiteDestination;

export function describeEndToEnd(name: string, startDestination: () => Promise<EndToEndDestination>): void {
  describe(`Salesforce to ${name}, end to end`, () => defineSuite(startDestination));
}

function defineSuite(startDestination: () => Promise<EndToEndDestination>): void {
  const stack = useStack({ name: 'e2e', destination: startDestination, salesforce: { contacts: CONTACTS, deletedRate: 0, seed: 7 } });
  const { call, warehouseRows } = stack;
  let connectorId: string;

  beforeAll(async () => {
    connectorId = await stack.createConnector(
      scheduledConnector('Salesforce to DuckDB', {
        source: simulatedSalesforceSource(stack.salesforce.url, { streams: ['contact', 'lead', 'opportunity', 'campaign_member'] }),
        destination: stack.destination,
        guardrails: { maxInvalidShare: 0.25, schemaChangePolicy: 'approve' },
      }),
    );
  });

  /** Starts a cycle through the API and polls its run until it is no longer running. */
  const runCycle = () => stack.runCycle(connectorId);

  const ids = (rows: Record<string, unknown>[], column = 'id') => rows.map((r) => String(r[column])).sort();

  /** Contacts who opted out of email never reach the marketing tables, however valid (consent). */
  const optedOut = (): Set<string> =>
    new Set(
      stack.salesforce
        .records('Contact')
        .filter((r) => r.HasOptedOutOfEmail === true)
        .map((r) => String(r.Id)),
    );

  /** The quality rule each planted flaw must be caught by. */
  const ruleForFlaw: Record<string, string> = {
    'duplicate-customer-id': 'unique(customer_id)',
    'null-customer-id': 'not_null(customer_id)',
    'null-email': 'not_null(email)',
    'null-last-name': 'not_null(last_name)',
    'misaligned-email': 'match_regex(email)',
    'created-date-too-old': 'between(created_at)',
    'created-date-in-future': 'between(created_at)',
    inactive: 'in_set(is_active)',
  };

  test('the first cycle loads exactly the unique valid contacts and quarantines exactly the flawed ones, with reasons', async () => {
    const report = await runCycle();
    expect(report.status).toBe('completed');

    const truth = stack.salesforce.groundTruth('Contact');
    const withoutConsent = optedOut();
    const clean = truth.filter((t) => t.flaws.length === 0);
    const valid = clean
      .filter((t) => !withoutConsent.has(t.id))
      .map((t) => t.id)
      .sort();
    const flawed = truth.filter((t) => t.flaws.length > 0);
    expect(flawed.length).toBeGreaterThan(0);
    expect(clean.length - valid.length).toBeGreaterThan(0);

    expect(ids(await warehouseRows('select id from marketing.salesforce_contact'))).toEqual(valid);
    const [counts] = await warehouseRows('select count(*) as n, count(distinct id) as distinct_ids from marketing.salesforce_contact');
    expect(counts).toEqual({ n: valid.length, distinct_ids: valid.length });

    const quarantined = await warehouseRows("select record_key, reasons from marketing._ih_quarantine where stream = 'contact'");
    expect(ids(quarantined, 'record_key')).toEqual(flawed.map((t) => t.id).sort());
    const reasonsById = new Map(quarantined.map((q) => [String(q.record_key), JSON.stringify(q.reasons)]));
    for (const { id, flaws } of flawed) {
      for (const flaw of flaws) expect(reasonsById.get(id)).toContain(ruleForFlaw[flaw]);
    }

    const contact = report.streams.find((s) => s.stream === 'contact');
    expect(contact).toMatchObject({
      outcome: 'loaded',
      extracted: CONTACTS,
      loaded: valid.length,
      quarantined: flawed.length,
      withoutConsent: clean.length - valid.length,
    });
    for (const stream of ['lead', 'opportunity', 'campaign_member']) {
      expect(report.streams.find((s) => s.stream === stream)?.outcome).toBe('loaded');
    }
  }, 120_000);

  test('the cycle rebuilt the customer models from the rows it loaded', async () => {
    const count = async (sql: string): Promise<number> => Number((await warehouseRows(sql))[0]?.n);
    const records = await count(
      'select (select count(*) from marketing.salesforce_contact) + (select count(*) from marketing.salesforce_lead) as n',
    );
    // Every contact and lead the load let in consents, so each is some customer's record.
    expect(await count('select count(*) as n from marketing.customer_identity')).toBe(records);
    const people = await count('select count(distinct customer_key) as n from marketing.customer_identity');
    expect(people).toBeGreaterThan(0);
    expect(await count('select count(*) as n from marketing.customer')).toBe(people);
    expect(await count("select count(*) as n from marketing._ih_model_state where refreshed_at <> ''")).toBe(6);
  }, 120_000);

  test('a second cycle adds nothing', async () => {
    const before = await warehouseRows('select count(*) as n from marketing.salesforce_contact');
    const report = await runCycle();
    expect(report.status).toBe('completed');
    expect(report.streams.reduce((n, s) => n + s.extracted, 0)).toBe(0);
    expect(await warehouseRows('select count(*) as n from marketing.salesforce_contact')).toEqual(before);
  }, 120_000);

  test('a record deleted in Salesforce disappears from the warehouse', async () => {
    const withoutConsent = optedOut();
    const victim = stack.salesforce.groundTruth('Contact').find((t) => t.flaws.length === 0 && !withoutConsent.has(t.id));
    if (!victim) throw new Error('the simulated org has no valid contact');
    stack.salesforce.deleteRecord('Contact', victim.id);
    const report = await runCycle();
    expect(report.streams.find((s) => s.stream === 'contact')).toMatchObject({ outcome: 'loaded', deleted: 1 });
    expect(await warehouseRows(`select id from marketing.salesforce_contact where id = '${victim.id}'`)).toEqual([]);
  }, 120_000);

  test('a throttling Salesforce delays the cycle, which then completes with every new row exactly once', async () => {
    const added = stack.salesforce.insertRecords('Contact', 50);
    stack.salesforce.clearRequests();
    stack.salesforce.throttle({ status: 429, times: 2, retryAfterSeconds: 1 });
    const report = await runCycle();
    expect(report.status).toBe('completed');
    expect(stack.salesforce.requests().filter((r) => r.status === 429)).toHaveLength(2);

    const truth = new Map(stack.salesforce.groundTruth('Contact').map((t) => [t.id, t]));
    const withoutConsent = optedOut();
    const expected = added.filter((id) => truth.get(id)?.flaws.length === 0 && !withoutConsent.has(id)).sort();
    const list = added.map((id) => `'${id}'`).join(',');
    const loaded = await warehouseRows(`select id, count(*) as n from marketing.salesforce_contact where id in (${list}) group by id`);
    expect(ids(loaded)).toEqual(expected);
    expect(loaded.every((row) => row.n === 1)).toBe(true);
  }, 120_000);

  test('the daily quota share ends the cycle deferred with cursors checkpointed; the next run resumes', async () => {
    const added = stack.salesforce.insertRecords('Contact', 20);
    const { max } = stack.salesforce.quota();
    stack.salesforce.setQuota({ used: Math.ceil(max * 0.95) });
    const deferred = await runCycle();
    expect(deferred.status).toBe('deferred');
    expect(deferred.streams.some((s) => s.outcome === 'deferred' && /quota/i.test(s.detail ?? ''))).toBe(true);

    // What the deferred cycle read was loaded and checkpointed: the next run does not read it again.
    expect(deferred.streams.find((s) => s.stream === 'contact')?.extracted).toBe(added.length);

    stack.salesforce.setQuota({ used: 0 });
    const resumed = await runCycle();
    expect(resumed.status).toBe('completed');
    expect(resumed.streams.find((s) => s.stream === 'contact')?.extracted).toBe(0);
    const list = added.map((id) => `'${id}'`).join(',');
    const truth = new Map(stack.salesforce.groundTruth('Contact').map((t) => [t.id, t]));
    const loaded = await warehouseRows(`select id from marketing.salesforce_contact where id in (${list})`);
    const withoutConsent = optedOut();
    expect(ids(loaded)).toEqual(added.filter((id) => truth.get(id)?.flaws.length === 0 && !withoutConsent.has(id)).sort());
  }, 120_000);

  test('analyze reports the figures the cycles produced', async () => {
    const analysis = await call('GET', `/api/v1/data-warehouse-connector/${connectorId}/analyze`);
    expect(analysis.status).toBe(200);
    const figures = z
      .object({
        rowsLoaded: z.number(),
        rowsQuarantined: z.number(),
        runs: z.object({ total: z.number(), completed: z.number() }),
        freshnessSeconds: z.number().nullable(),
      })
      .parse((analysis.body as { analysis?: unknown }).analysis ?? analysis.body);
    const [loadedContacts] = await warehouseRows('select count(*) as n from marketing._ih_quarantine');
    expect(figures.rowsQuarantined).toBe(loadedContacts?.n);
    expect(figures.runs.total).toBeGreaterThanOrEqual(6);
    expect(figures.freshnessSeconds).not.toBeNull();
    expect(figures.rowsLoaded).toBeGreaterThan(0);
  }, 60_000);
}
