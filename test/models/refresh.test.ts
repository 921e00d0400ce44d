/**
 * The customer models materialised in DuckDB, PostgreSQL and the Snowflake, BigQuery and Redshift simulators
 * from demo-like rows landed as a cycle lands them: exactly the expected unified rows, consent and
 * erasure holding, and a refresh that rebuilds only what changed. (Content and the LookML's SQL:
 * content-and-lookml.test.ts.)
 */
import { connectWarehouse } from '../../activities/warehouses';
import { refreshModels } from '../../activities/models/refresh';
import { eraseFromWarehouse } from '../../activities/privacy/warehouse-erasure';
import type { Connector } from '../../domain/connector';
import { CONTACTS, LEADS, landRows, landScenario } from './fixtures';
import { useModelTargets, useOpenedWarehouse } from './targets';

const { targets, dir } = useModelTargets();

describe.each(targets)('the customer models on $kind', (target) => {
  const at = useOpenedWarehouse(target, dir);

  test('a person in Salesforce twice and in SendGrid and Zendesk is one customer with all touchpoints', async () => {
    await landScenario(at.warehouse, dir());
    const refresh = await refreshModels(at.warehouse);
    expect(refresh.rebuilt).toHaveLength(6);

    const customers = await at.rows(
      `select customer_key, customer_id, email, first_name, last_name, title, company, country, sources, salesforce_contact_ids,
              salesforce_lead_ids, customer_ids, emails, crm_records, email_events, emails_delivered, emails_opened, emails_clicked,
              tickets, avg_ticket_sentiment, campaigns from {customer} order by customer_key`,
    );
    expect(customers).toEqual([
      {
        customer_key: 'contact:003A',
        customer_id: 'CUST-1',
        email: 'jane.doe@example.com',
        first_name: 'Jane',
        last_name: 'Doe',
        title: 'CMO',
        company: null,
        country: 'FR',
        sources: 'salesforce, sendgrid, zendesk',
        salesforce_contact_ids: '003A, 003B',
        salesforce_lead_ids: '00QA',
        customer_ids: 'CUST-1',
        emails: 'jane.doe@example.com',
        crm_records: 3,
        email_events: 4,
        emails_delivered: 2,
        emails_opened: 1,
        emails_clicked: 1,
        tickets: 2,
        avg_ticket_sentiment: 0.375,
        campaigns: 2,
      },
      {
        customer_key: 'contact:003C',
        customer_id: 'CUST-2',
        email: 'bob@example.com',
        first_name: 'Bob',
        last_name: 'Stone',
        title: null,
        company: null,
        country: 'DE',
        sources: 'salesforce, sendgrid',
        salesforce_contact_ids: '003C, 003E',
        salesforce_lead_ids: '00QC',
        customer_ids: 'CUST-2',
        emails: 'bob.work@example.com, bob@example.com',
        crm_records: 3,
        email_events: 1,
        emails_delivered: 1,
        emails_opened: 0,
        emails_clicked: 0,
        tickets: 0,
        avg_ticket_sentiment: null,
        campaigns: 1,
      },
    ]);

    const timeline = await at.rows(
      `select customer_key, kind, action, campaign_id, source_key from {customer_touchpoint} order by customer_key, kind, source_key`,
    );
    expect(timeline.map((t) => `${String(t.customer_key)} ${String(t.kind)} ${String(t.source_key)} ${String(t.campaign_id)}`)).toEqual([
      'contact:003A campaign_membership 00vA 701X',
      'contact:003A campaign_membership 00vB 701Y',
      'contact:003A email e1 701X',
      'contact:003A email e2 701X',
      'contact:003A email e3 701X',
      'contact:003A email e6 701X',
      'contact:003A opportunity 006A 701X',
      'contact:003A ticket 501 null',
      'contact:003A ticket 502 null',
      'contact:003C campaign_membership 00vC 701X',
      'contact:003C email e4 701X',
    ]);
  });

  test('campaign performance per day: unique reach deduplicated, tickets of reached customers, amount won', async () => {
    await landScenario(at.warehouse, dir());
    await refreshModels(at.warehouse);
    const days = await at.rows(
      `select campaign_id, campaign_name, {text:day} as day, members_added, emails_delivered, emails_opened, emails_clicked, unique_reach,
              tickets_of_reached, avg_ticket_sentiment, opportunities_created, opportunities_won, amount_won
       from {campaign_performance} where campaign_id in ('701X', '701Y') order by campaign_id, day`,
    );
    const zero = { members_added: 0, emails_delivered: 0, emails_opened: 0, emails_clicked: 0, unique_reach: 0, tickets_of_reached: 0 };
    const none = { avg_ticket_sentiment: null, opportunities_created: 0, opportunities_won: 0, amount_won: 0 };
    const spring = { campaign_id: '701X', campaign_name: 'Spring launch' };
    expect(days).toEqual([
      { ...spring, day: '2026-03-01', ...zero, ...none, members_added: 2 },
      // Jane (twice delivered), Bob and a stranger: three people reached; Olive's open counts nowhere.
      {
        ...spring,
        day: '2026-03-02',
        ...zero,
        ...none,
        emails_delivered: 4,
        emails_opened: 1,
        emails_clicked: 1,
        unique_reach: 3,
        opportunities_created: 1,
      },
      { ...spring, day: '2026-03-03', ...zero, ...none, tickets_of_reached: 2, avg_ticket_sentiment: 0.375 },
      { ...spring, day: '2026-03-05', ...zero, ...none, opportunities_won: 1, amount_won: 5000 },
      // Its campaign record is not loaded: the figures stand without a name.
      { campaign_id: '701Y', campaign_name: null, day: '2026-03-01', ...zero, ...none, members_added: 1 },
    ]);
  });

  test('a person without consent appears in no model, not even through their other record, address or tickets', async () => {
    await landScenario(at.warehouse, dir());
    await refreshModels(at.warehouse);
    const olive = `'%olive%'`;
    expect(await at.rows(`select * from {customer} where emails like ${olive} or customer_ids like '%CUST-3%'`)).toEqual([]);
    expect(await at.rows(`select * from {customer_identity} where email like ${olive} or customer_id = 'CUST-3'`)).toEqual([]);
    expect(await at.rows(`select * from {customer_touchpoint} where source_key in ('e7', '503')`)).toEqual([]);
  });

  test('a record linked to no other is a customer of its own; records linked through others are one, whichever they link by', async () => {
    await landScenario(at.warehouse, dir());
    const [template] = CONTACTS;
    const [leadTemplate] = LEADS;
    const contact = (id: string, customerId: string | null, email: string) => ({ ...template, id, customer_id: customerId, email });
    const lead = (id: string, customerId: string | null, email: string) => ({ ...leadTemplate, id, customer_id: customerId, email });
    await landRows(at.warehouse, dir(), 'salesforce', 'contact', [
      contact('003G', 'CUST-7', 'Solo@example.com'),
      // A chain: 003K and 003J share a customer id, 003J and 00QK an address, 00QK and 00QJ a customer id.
      contact('003K', 'CUST-K1', 'k1@example.com'),
      contact('003J', 'CUST-K1', 'k2@example.com'),
    ]);
    await landRows(at.warehouse, dir(), 'salesforce', 'lead', [
      lead('00QS', null, 'lead.only@example.com'),
      lead('00QK', 'CUST-K3', 'K2@example.com'),
      lead('00QJ', 'CUST-K3', 'k4@example.com'),
    ]);
    await refreshModels(at.warehouse);

    const identity = await at.rows(
      `select record_key, customer_key from {customer_identity} where record_key in
         ('contact:003G', 'contact:003J', 'contact:003K', 'lead:00QJ', 'lead:00QK', 'lead:00QS') order by record_key`,
    );
    expect(identity).toEqual([
      { record_key: 'contact:003G', customer_key: 'contact:003G' },
      { record_key: 'contact:003J', customer_key: 'contact:003J' },
      { record_key: 'contact:003K', customer_key: 'contact:003J' },
      { record_key: 'lead:00QJ', customer_key: 'contact:003J' },
      { record_key: 'lead:00QK', customer_key: 'contact:003J' },
      { record_key: 'lead:00QS', customer_key: 'lead:00QS' },
    ]);
    const customers = await at.rows(
      `select customer_key, customer_id, email, salesforce_contact_ids, salesforce_lead_ids, customer_ids, emails, crm_records
       from {customer} where customer_key in ('contact:003G', 'contact:003J', 'lead:00QS') order by customer_key`,
    );
    expect(customers).toEqual([
      {
        customer_key: 'contact:003G',
        customer_id: 'CUST-7',
        email: 'solo@example.com',
        salesforce_contact_ids: '003G',
        salesforce_lead_ids: null,
        customer_ids: 'CUST-7',
        emails: 'solo@example.com',
        crm_records: 1,
      },
      {
        customer_key: 'contact:003J',
        customer_id: 'CUST-K1',
        email: 'k2@example.com',
        salesforce_contact_ids: '003J, 003K',
        salesforce_lead_ids: '00QJ, 00QK',
        customer_ids: 'CUST-K1, CUST-K3',
        emails: 'k1@example.com, k2@example.com, k4@example.com',
        crm_records: 4,
      },
      {
        customer_key: 'lead:00QS',
        customer_id: null,
        email: 'lead.only@example.com',
        salesforce_contact_ids: null,
        salesforce_lead_ids: '00QS',
        customer_ids: null,
        emails: 'lead.only@example.com',
        crm_records: 1,
      },
    ]);
  });

  test("the person models hold the connectors' active rules: none lets an inactive contact in, a rule on another column decides", async () => {
    await landScenario(at.warehouse, dir());
    const ina = { ...CONTACTS[2], id: '003F', customer_id: 'CUST-9', first_name: 'Ina', email: 'ina@example.com', lead_source: 'Partner' };
    await landRows(at.warehouse, dir(), 'salesforce', 'contact', [{ ...ina, is_active: false }]);
    const people = async () => (await at.rows(`select customer_id from {customer} order by customer_id`)).map((row) => row['customer_id']);

    await refreshModels(at.warehouse);
    expect(await people()).toEqual(['CUST-1', 'CUST-2']);
    // No rule (a stock org): everyone is active, Ina too. The settings are part of what a refresh compares.
    const noRule = { activeRules: { salesforce_contact: [], salesforce_lead: [] } };
    expect((await refreshModels(at.warehouse, noRule)).rebuilt).toEqual(expect.arrayContaining(['customer_identity', 'customer']));
    expect(await people()).toEqual(['CUST-1', 'CUST-2', 'CUST-9']);
    // A rule on lead_source = Partner: only Ina's records meet it; Jane and Bob have a contact that does not.
    const partners = { activeRules: { salesforce_contact: [{ column: 'lead_source', equals: 'Partner' }], salesforce_lead: [] } };
    await refreshModels(at.warehouse, partners);
    expect(await people()).toEqual(['CUST-9']);
  });

  test('an erasure reaches the models, and a refresh rebuilds only what changed', async () => {
    await landScenario(at.warehouse, dir());
    await refreshModels(at.warehouse);
    expect(await refreshModels(at.warehouse)).toEqual({ rebuilt: [], unchanged: expect.arrayContaining(['customer']) as unknown });

    for (const kind of ['salesforce', 'sendgrid', 'zendesk'] as const) {
      const connector = {
        id: `${kind}-connector`,
        configuration: { destination: at.destination, source: { kind } },
      } as unknown as Connector;
      await eraseFromWarehouse(() => connectWarehouse(at.destination, dir()), connector, { email: 'JANE.DOE@example.com' }, [], new Set());
    }
    const refresh = await refreshModels(at.warehouse);
    expect(refresh.rebuilt).toEqual(['customer_identity', 'customer_touchpoint', 'customer', 'campaign_performance']);
    expect(await at.rows(`select customer_key from {customer}`)).toEqual([{ customer_key: 'contact:003C' }]);
    expect(await at.rows(`select distinct customer_key from {customer_touchpoint}`)).toEqual([{ customer_key: 'contact:003C' }]);
    const [reach] = await at.rows(`select unique_reach from {campaign_performance} where campaign_id = '701X' and day = date '2026-03-02'`);
    expect(reach).toEqual({ unique_reach: 2 });

    await landRows(at.warehouse, dir(), 'brandwatch', 'mentions', [
      {
        resource_id: 'm1',
        added: '2026-03-04T10:00:00.000Z',
        date: '2026-03-04T09:00:00.000Z',
        query_id: 7,
        query_name: 'Brand',
        sentiment: 'positive',
        sentiment_score: 0.8,
        impressions: 120,
      },
    ]);
    expect((await refreshModels(at.warehouse)).rebuilt).toEqual(['brand_sentiment_daily']);
    expect(
      await at.rows(
        `select query_id, {text:day} as day, mentions, positive, avg_sentiment_score, impressions from {brand_sentiment_daily}`,
      ),
    ).toEqual([{ query_id: 7, day: '2026-03-04', mentions: 1, positive: 1, avg_sentiment_score: 0.8, impressions: 120 }]);
  });
});
