/**
 * Salesforce read from the org's describe: the real jsforce against the simulator's org profiles —
 * the demo org (today's custom fields), a stock org with none, an org with custom fields and its own
 * External ID, and a field added while the org runs.
 */
import { salesforceSource } from '../../activities/sources/salesforce';
import { salesforceSourceSchema } from '../../activities/sources/salesforce/definition';
import { salesforceStreamFrom } from '../../activities/sources/salesforce/streams';
import type { CatalogStream, SourceCatalog } from '../../domain/catalog';
import { ORG_PROFILES } from '../../simulators/salesforce/profiles';
import { startSalesforceSimulator } from '../../simulators/salesforce/server';
import { useSimulators } from '../support/fixture';
import { passwordConfig, rowsOf } from './salesforce-reading';

const simulator = useSimulators((options: Parameters<typeof startSalesforceSimulator>[0] = {}) =>
  startSalesforceSimulator({ contacts: 40, ...options }),
);
const signal = new AbortController().signal;

const discover = (config: ReturnType<typeof passwordConfig>): Promise<SourceCatalog> => {
  if (!salesforceSource.discover) throw new Error('Salesforce discovers its streams');
  return salesforceSource.discover(config, { signal });
};
const streamOf = (catalog: SourceCatalog, name: string): CatalogStream => {
  const found = catalog.streams.find((stream) => stream.name === name);
  if (!found) throw new Error(`no stream ${name} in the catalog`);
  return found;
};
const columnsOf = (stream: CatalogStream): Record<string, string> =>
  Object.fromEntries(stream.fields.map((field) => [field.column, `${field.sourceField}:${field.type}`]));

async function readFirstPage(config: ReturnType<typeof passwordConfig>, entry: CatalogStream) {
  const request = { connectorId: 'discovery-test', cursor: null, pageToken: null, partition: null, catalogStream: entry };
  return rowsOf([await salesforceSource.readPage(config, entry.name, request, signal)]);
}

describe('discovery from describe', () => {
  test("the demo org: today's columns, Customer_Id__c (its External ID) as customer_id, the compound address left out", async () => {
    const sim = await simulator({ profile: 'demo' });
    const catalog = await discover(passwordConfig(sim));

    expect(catalog.streams.map((s) => [s.name, s.sourceName, s.defaultSelected])).toEqual([
      ['contact', 'Contact', true],
      ['lead', 'Lead', true],
      ['opportunity', 'Opportunity', true],
      ['campaign_member', 'CampaignMember', true],
      ['campaign', 'Campaign', true],
      ['account', 'Account', true],
    ]);
    const contact = streamOf(catalog, 'contact');
    expect(contact.primaryKey).toEqual(['id']);
    expect(contact.cursorCandidates).toEqual(['system_modstamp', 'last_modified_at', 'created_at']);
    expect(columnsOf(contact)).toMatchObject({
      customer_id: 'Customer_Id__c:string',
      is_active: 'Active__c:boolean',
      email: 'Email:string',
      mailing_country: 'MailingCountry:string',
    });
    expect(contact.fields.find((f) => f.sourceField === 'MailingAddress')).toBeUndefined();
    expect(contact.fields.find((f) => f.column === 'email')).toMatchObject({ sourceType: 'email', personal: true, nullable: true });
    expect(columnsOf(streamOf(catalog, 'opportunity'))).toMatchObject({ amount: 'Amount:number', close_date: 'CloseDate:date' });
    // The same columns the fixed definition had: the demo loads as before.
    const fixed = salesforceSource.streams.contact?.columns.map((c) => c.name).sort();
    expect(contact.fields.map((f) => f.column).sort()).toEqual(fixed);
  });

  test('a stock org: no custom field is selected, Id is the customer id, and the first page reads', async () => {
    const sim = await simulator({ profile: 'stock' });
    const config = passwordConfig(sim);
    const contact = streamOf(await discover(config), 'contact');

    expect(columnsOf(contact)).not.toHaveProperty('is_active');
    expect(columnsOf(contact)).toMatchObject({ id: 'Id:string', customer_id: 'Id:string' });
    const rows = await readFirstPage(config, contact);
    expect(rows).toHaveLength(sim.records('Contact').length); // queryAll: the deleted ones too
    expect(rows.every((row) => row.customer_id === row.id)).toBe(true);
    expect(sim.requests('queryAll').at(-1)?.soql).not.toContain('__c');
  });

  test('an org with custom fields: their types, and its External ID as the customer id unless the config names one', async () => {
    const sim = await simulator({ profile: 'custom' });
    const contact = streamOf(await discover(passwordConfig(sim)), 'contact');

    expect(columnsOf(contact)).toMatchObject({
      customer_id: 'Member_Number__c:string',
      loyalty_tier__c: 'Loyalty_Tier__c:string',
      lifetime_value__c: 'Lifetime_Value__c:number',
      last_event__c: 'Last_Event__c:date',
      // Not the customer id here: a field like any, not a second customer_id column.
      customer_id__c: 'Customer_Id__c:string',
    });
    expect(contact.fields.filter((f) => f.column === 'customer_id')).toHaveLength(1);
    expect(contact.fields.find((f) => f.column === 'loyalty_tier__c')?.sourceType).toBe('picklist');

    const configured = salesforceSourceSchema.parse({
      ...passwordConfig(sim),
      objects: { contact: { customerIdField: 'Customer_Id__c', fields: ['Email', 'Loyalty_Tier__c'] } },
    });
    const chosen = streamOf(await discover(configured), 'contact');
    expect(columnsOf(chosen)).toMatchObject({ customer_id: 'Customer_Id__c:string', member_number__c: 'Member_Number__c:string' });
    const stream = salesforceStreamFrom(configured, chosen);
    expect(stream.columns.map((c) => c.name).sort()).toEqual(
      ['created_at', 'customer_id', 'email', 'id', 'is_active', 'is_deleted', 'loyalty_tier__c', 'system_modstamp'].sort(),
    );
    const [row] = await readFirstPage(configured, chosen);
    expect(row).toEqual(expect.objectContaining({ loyalty_tier__c: expect.stringMatching(/^(Gold|Silver|Bronze)$/) }));
  });

  test('the active rule: the default on Active__c, a configured one on its field, none where the org lacks Active__c', async () => {
    const custom = await simulator({ profile: 'custom' });
    const ruled = (activeRule: unknown) =>
      salesforceSourceSchema.parse({ ...passwordConfig(custom), objects: { contact: { activeRule } } });
    const contact = streamOf(await discover(passwordConfig(custom)), 'contact');
    expect(salesforceStreamFrom(passwordConfig(custom), contact).activeRule).toEqual({ column: 'is_active', equals: true });
    expect(salesforceStreamFrom(ruled({ field: 'Loyalty_Tier__c', equals: 'Gold' }), contact).activeRule).toEqual({
      column: 'loyalty_tier__c',
      equals: 'Gold',
    });
    expect(salesforceStreamFrom(ruled(null), contact).activeRule).toBeUndefined();
    expect(() => salesforceStreamFrom(ruled({ field: 'Consent__c', equals: 'granted' }), contact)).toThrow(
      expect.objectContaining({ category: 'config', message: expect.stringContaining('objects.contact.activeRule.field') }),
    );

    const stock = await simulator({ profile: 'stock' });
    const stockContact = streamOf(await discover(passwordConfig(stock)), 'contact');
    expect(salesforceStreamFrom(passwordConfig(stock), stockContact).activeRule).toBeUndefined();
  });

  test.each(ORG_PROFILES)(
    'campaigns and accounts in the %s org: keyed by Id, read by SystemModstamp, an account phone personal',
    async (profile) => {
      const sim = await simulator({ profile });
      const config = passwordConfig(sim);
      const catalog = await discover(config);
      for (const [name, object] of [
        ['campaign', 'Campaign'],
        ['account', 'Account'],
      ] as const) {
        const entry = streamOf(catalog, name);
        expect(entry).toMatchObject({ sourceName: object, primaryKey: ['id'] });
        expect(entry.cursorCandidates).toEqual(['system_modstamp', 'last_modified_at', 'created_at']);
        // Neither carries a customer id: they are not people.
        expect(columnsOf(entry)).not.toHaveProperty('customer_id');
        const rows = await readFirstPage(config, entry);
        expect(rows.map((row) => row.id).sort()).toEqual(sim.records(object).map((record) => record.Id)); // queryAll: deleted ones too
      }
      const campaign = streamOf(catalog, 'campaign');
      expect(columnsOf(campaign)).toMatchObject({
        name: 'Name:string',
        budgeted_cost: 'BudgetedCost:number',
        start_date: 'StartDate:date',
      });
      expect(campaign.fields.filter((f) => f.personal)).toEqual([]);
      const account = streamOf(catalog, 'account');
      expect(columnsOf(account)).toMatchObject({
        billing_country: 'BillingCountry:string',
        number_of_employees: 'NumberOfEmployees:integer',
      });
      expect(account.fields.filter((f) => f.personal).map((f) => f.column)).toEqual(['phone']);
      expect(account.fields.find((f) => f.sourceField === 'BillingAddress')).toBeUndefined();
    },
  );

  test('a field added while the org runs is in the next describe', async () => {
    const sim = await simulator({ profile: 'stock' });
    const config = passwordConfig(sim);
    expect(columnsOf(streamOf(await discover(config), 'lead'))).not.toHaveProperty('region__c');

    sim.addField('Lead', { name: 'Region__c', type: 'picklist', externalId: false, picklistValues: ['EMEA', 'AMER'] });

    expect(columnsOf(streamOf(await discover(config), 'lead'))).toMatchObject({ region__c: 'Region__c:string' });
  });

  test('refused credentials are an auth error naming what to check', async () => {
    const sim = await simulator({ profile: 'stock' });
    await expect(discover(passwordConfig(sim, { password: 'wrong' }))).rejects.toMatchObject({ category: 'auth' });
  });
});
