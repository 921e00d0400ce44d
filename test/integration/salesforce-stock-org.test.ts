/**
 * Issue 12, as a user sees it: API → Temporal → the Salesforce simulator (real jsforce) → DuckDB.
 * - A stock org (no Customer_Id__c, no Active__c) loads with no code change: each cycle's plan
 *   discovers the org's describe and stores it, and every activity reads the stream by it.
 * - Its contacts and leads are customers: Id as the customer id, everyone active (no rule on a
 *   field the org lacks), those who opted out of email and those erased left out.
 * - A field added in the org between two cycles is a schema change at the guardrail gate: `allow`
 *   evolves the table, `block` stops the stream, `approve` waits for a manager and, approved, the
 *   table gains the column and the rows load.
 */
import { z } from 'zod';
import type { DestinationConfig } from '../../domain/connector';
import type { Guardrails } from '../../domain/guardrails';
import { FLAWS } from '../../simulators/salesforce/flaws';
import { simulatedSalesforceSource } from '../../simulators/salesforce/source';
import { eventually } from '../support/eventually';
import { useStack } from '../support/stack';
import { eraseThroughApi, listedIn } from './customers';
import { scheduledConnector } from './scheduled-connector';

const destination: DestinationConfig = { kind: 'duckdb', schema: 'marketing' };
const noFlaws = Object.fromEntries(FLAWS.map((flaw) => [flaw, 0]));
const stack = useStack({
  name: 'stock-org',
  destination,
  salesforce: { profile: 'stock', contacts: 40, deletedRate: 0, flawRates: noFlaws, seed: 12 },
});
const { call, warehouseRows, runCycle } = stack;

async function createConnector(name: string, schema: string, schemaChangePolicy: Guardrails['schemaChangePolicy']): Promise<string> {
  return stack.createConnector(
    scheduledConnector(name, {
      source: simulatedSalesforceSource(stack.salesforce.url, { streams: ['contact', 'lead'] }),
      destination: { ...destination, schema },
      guardrails: { maxInvalidShare: 1, schemaChangePolicy },
    }),
  );
}

const columnsOf = async (schema: string, table: string): Promise<string[]> =>
  (
    await warehouseRows(
      `select column_name from information_schema.columns where table_schema = '${schema}' and table_name = '${table}' order by column_name`,
    )
  ).map((row) => String(row['column_name']));

/** Contacts the load screen lets through: those who did not opt out of email. */
const consentingContacts = (): number =>
  stack.salesforce.records('Contact').filter((record) => record['HasOptedOutOfEmail'] !== true).length;

test('a stock org loads end to end through the API, with Id as the customer id and no custom field', async () => {
  const connectorId = await createConnector('A stock org', 'stock', 'approve');
  const report = await runCycle(connectorId);

  expect(report.status).toBe('completed');
  const contacts = report.streams.find((s) => s.stream === 'contact');
  expect(contacts).toMatchObject({ outcome: 'loaded', extracted: 40, quarantined: 0 });
  expect(report.streams.find((s) => s.stream === 'lead')).toMatchObject({ outcome: 'loaded', extracted: 20 });
  // No rule on the active flag the org does not have: nothing failed it.
  expect(Object.keys(contacts?.failuresByRule ?? {}).filter((rule) => rule.includes('is_active'))).toEqual([]);

  const loaded = await warehouseRows('select id, customer_id, email from stock.salesforce_contact order by id');
  expect(loaded).toHaveLength(consentingContacts());
  expect(loaded.every((row) => row['customer_id'] === row['id'] && typeof row['email'] === 'string')).toBe(true);
  const columns = await columnsOf('stock', 'salesforce_contact');
  expect(columns).toEqual(expect.arrayContaining(['id', 'customer_id', 'email', 'has_opted_out_of_email', 'system_modstamp']));
  expect(columns).not.toContain('is_active');
  expect(stack.salesforce.requests('queryAll').map((request) => request.soql ?? '')).not.toContainEqual(expect.stringContaining('__c'));

  // What the cycle read by is the connector's catalog, as the API shows it.
  const catalog = await call('GET', `/api/v1/data-warehouse-connector/${connectorId}/catalog`);
  expect(catalog.status).toBe(200);
  const contact = z
    .object({
      streams: z.array(z.object({ name: z.string(), fields: z.array(z.object({ column: z.string(), sourceField: z.string() })) })),
    })
    .parse(catalog.body)
    .streams.find((stream) => stream.name === 'contact');
  expect(contact?.fields).toContainEqual({ column: 'customer_id', sourceField: 'Id' });
  expect(contact?.fields.map((field) => field.sourceField)).not.toContain('Active__c');
});

const addressOf = (record: Record<string, unknown>): string => String(record['Email']).trim().toLowerCase();
test("a stock org's contacts and leads are the customers, Id their customer id; opted-out and erased people are not", async () => {
  const connectorId = await createConnector('A stock org’s customers', 'stock_customers', 'allow');
  expect((await runCycle(connectorId)).status).toBe('completed');

  const optedIn = stack.salesforce.records('Contact').filter((record) => record['HasOptedOutOfEmail'] !== true);
  const leads = stack.salesforce.records('Lead');
  const people = async () =>
    warehouseRows('select customer_id, email, salesforce_contact_ids, salesforce_lead_ids from stock_customers.customer');
  const customers = await people();
  // Stitched by address alone (no customer id is shared: each is a record's Id): one customer per address.
  const addresses = new Set([...optedIn, ...leads].map(addressOf));
  expect(customers).toHaveLength(addresses.size);
  expect(new Set(customers.map((row) => row['email']))).toEqual(addresses);
  expect(listedIn(customers, 'salesforce_contact_ids')).toEqual(optedIn.map((record) => String(record['Id'])).sort());
  expect(listedIn(customers, 'salesforce_lead_ids')).toEqual(leads.map((record) => String(record['Id'])).sort());
  for (const row of customers)
    expect([...listedIn([row], 'salesforce_contact_ids'), ...listedIn([row], 'salesforce_lead_ids')]).toContain(row['customer_id']);

  // The last of them: the next test changes the first.
  const erased = optedIn.at(-1);
  const email = addressOf(erased ?? {});
  await eraseThroughApi(call, { email });
  expect((await people()).map((row) => row['email'])).not.toContain(email);

  // Changed at the source and read again, the erased contact is screened out: still no customer.
  await new Promise((resolve) => setTimeout(resolve, 1_010 - (Date.now() % 1_000)));
  stack.salesforce.updateRecord('Contact', String(erased?.['Id']), { Title: 'Returned' });
  expect((await runCycle(connectorId)).streams.find((s) => s.stream === 'contact')).toMatchObject({ suppressed: 1, loaded: 0 });
  const after = await people();
  expect(after).toHaveLength(addresses.size - 1);
  expect(after.map((row) => row['email'])).not.toContain(email);
}, 180_000);

/** A pending approval as the Approvals page lists it: its id, its cycle and the request's breaches. */
const pendingSchema = z.object({
  approvals: z.array(z.object({ approvalId: z.string(), workflowId: z.string(), request: z.record(z.string(), z.unknown()) })),
});

test('a field added in the org between two cycles: allow evolves the table, block stops, approve waits and then evolves', async () => {
  const connectors = {
    allow: await createConnector('Allows schema changes', 'evolve_allow', 'allow'),
    block: await createConnector('Blocks schema changes', 'evolve_block', 'block'),
    approve: await createConnector('Approves schema changes', 'evolve_approve', 'approve'),
  };
  for (const connectorId of Object.values(connectors)) expect((await runCycle(connectorId)).status).toBe('completed');

  stack.salesforce.addField('Contact', { name: 'Region__c', type: 'picklist', externalId: false, picklistValues: ['EMEA', 'AMER'] });
  // Adding a field moves no SystemModstamp (as in Salesforce): a contact changed after it is what the next cycles read.
  await new Promise((resolve) => setTimeout(resolve, 1_010 - (Date.now() % 1_000)));
  const changed = stack.salesforce.records('Contact').find((record) => record['HasOptedOutOfEmail'] !== true);
  const changedId = String(changed?.['Id']);
  stack.salesforce.updateRecord('Contact', changedId, { Title: 'Head of Regions' });
  const region = String(stack.salesforce.records('Contact').find((record) => record['Id'] === changedId)?.['Region__c']);
  expect(['EMEA', 'AMER']).toContain(region);

  const allowed = await runCycle(connectors.allow);
  expect(allowed.streams.find((s) => s.stream === 'contact')).toMatchObject({ outcome: 'loaded', loaded: 1 });
  expect(await columnsOf('evolve_allow', 'salesforce_contact')).toContain('region__c');
  expect(await warehouseRows(`select region__c, title from evolve_allow.salesforce_contact where id = '${changedId}'`)).toEqual([
    { region__c: region, title: 'Head of Regions' },
  ]);

  const blocked = await runCycle(connectors.block);
  expect(blocked.streams.find((s) => s.stream === 'contact')).toMatchObject({ outcome: 'blocked', loaded: 0 });
  expect(await columnsOf('evolve_block', 'salesforce_contact')).not.toContain('region__c');

  const workflowId = await stack.startCycle(connectors.approve);
  const [pending] = await eventually(
    'the cycle waiting at the schema-change gate',
    async () => {
      const listed = pendingSchema.parse((await call('GET', `/api/v1/approvals?connectorId=${connectors.approve}&status=pending`)).body);
      return listed.approvals.length > 0 ? listed.approvals : undefined;
    },
    { timeoutMs: 60_000 },
  );
  expect(pending?.workflowId).toBe(workflowId);
  expect(pending?.request['breaches']).toEqual([
    expect.objectContaining({ guardrail: 'schemaChangePolicy', limit: 'approve', actual: 'added region__c' }),
  ]);
  // Waiting, nothing was loaded: the table has not changed.
  expect(await columnsOf('evolve_approve', 'salesforce_contact')).not.toContain('region__c');

  const decided = await call('POST', `/api/v1/approvals/${encodeURIComponent(pending?.approvalId ?? '')}/decision`, {
    decision: 'approve',
    reason: 'the org added a region field',
  });
  expect(decided.status).toBe(200);
  const approved = await stack.finished(workflowId);
  expect(approved.streams.find((s) => s.stream === 'contact')).toMatchObject({ outcome: 'loaded', loaded: 1 });
  expect(await warehouseRows(`select region__c, title from evolve_approve.salesforce_contact where id = '${changedId}'`)).toEqual([
    { region__c: region, title: 'Head of Regions' },
  ]);
});
