/**
 * Issue 12: the active / consent rule is the connector's. A connector whose contacts' rule names
 * another field — Loyalty_Tier__c = Gold on an org with custom fields — markets to Gold contacts
 * whatever their Active__c says: the quality suite holds the others back by that field, the load
 * screen lets only those through, and the customer model follows the same rule. Its leads keep the
 * default rule (Active__c = true). API → Temporal → the Salesforce simulator (real jsforce) → DuckDB.
 */
import { z } from 'zod';
import type { DestinationConfig } from '../../domain/connector';
import { FLAWS } from '../../simulators/salesforce/flaws';
import { simulatedSalesforceSource } from '../../simulators/salesforce/source';
import { useStack } from '../support/stack';
import { listedIn } from './customers';
import { scheduledConnector } from './scheduled-connector';

const destination: DestinationConfig = { kind: 'duckdb', schema: 'marketing' };
// Only the inactive flaw: a share of contacts and leads with Active__c = false, nothing else failing.
const flawRates = { ...Object.fromEntries(FLAWS.map((flaw) => [flaw, 0])), inactive: 0.3 };
const stack = useStack({
  name: 'active-rule',
  destination,
  salesforce: { profile: 'custom', contacts: 40, deletedRate: 0, flawRates, seed: 21 },
});
const { call, warehouseRows, runCycle } = stack;

const reportsSchema = z.object({ reports: z.array(z.object({ stream: z.string(), rules: z.array(z.object({ rule: z.string() })) })) });
const idsOf = (records: Record<string, unknown>[]): string[] => records.map((record) => String(record['Id'])).sort();
test('a rule on Loyalty_Tier__c: the suite holds back the rest by that field, the screen and the customer model follow it', async () => {
  const connectorId = await stack.createConnector(
    scheduledConnector('Gold contacts only', {
      source: simulatedSalesforceSource(stack.salesforce.url, {
        streams: ['contact', 'lead'],
        objects: { contact: { activeRule: { field: 'Loyalty_Tier__c', equals: 'Gold' } } },
      }),
      destination: { ...destination, schema: 'gold' },
      guardrails: { maxInvalidShare: 1 },
    }),
  );
  const report = await runCycle(connectorId);
  expect(report.status).toBe('completed');

  const contacts = stack.salesforce.records('Contact');
  const gold = contacts.filter((record) => record['Loyalty_Tier__c'] === 'Gold');
  const marketed = gold.filter((record) => record['HasOptedOutOfEmail'] !== true);
  // The org's Active__c is not the rule: some Gold contacts are inactive, some active ones are not Gold.
  expect(marketed.some((record) => record['Active__c'] === false)).toBe(true);
  expect(contacts.some((record) => record['Active__c'] === true && record['Loyalty_Tier__c'] !== 'Gold')).toBe(true);

  const contactRun = report.streams.find((s) => s.stream === 'contact');
  expect(contactRun).toMatchObject({ outcome: 'loaded', extracted: contacts.length, quarantined: contacts.length - gold.length });
  expect(contactRun?.failuresByRule).toEqual({ 'in_set(loyalty_tier__c)': contacts.length - gold.length });

  // The suite the contacts were judged by names the rule's field, and no longer the active flag.
  const reports = reportsSchema.parse((await call('GET', `/api/v1/data-warehouse-connector/${connectorId}/quality-reports`)).body).reports;
  const rulesOf = (stream: string) => reports.filter((r) => r.stream === stream).flatMap((r) => r.rules.map((rule) => rule.rule));
  expect(rulesOf('contact')).toEqual(expect.arrayContaining(['not_null(loyalty_tier__c)', 'in_set(loyalty_tier__c)']));
  expect(rulesOf('contact').filter((rule) => rule.includes('is_active'))).toEqual([]);
  expect(rulesOf('lead')).toEqual(expect.arrayContaining(['in_set(is_active)']));

  const loaded = await warehouseRows('select id, loyalty_tier__c, is_active from gold.salesforce_contact');
  expect(loaded.map((row) => String(row['id'])).sort()).toEqual(idsOf(marketed));
  expect(loaded.every((row) => row['loyalty_tier__c'] === 'Gold')).toBe(true);
  expect(loaded.some((row) => row['is_active'] === false)).toBe(true);

  // The customers: the Gold contacts who did not opt out, and the active leads, by their External ID.
  const activeLeads = stack.salesforce.records('Lead').filter((record) => record['Active__c'] === true);
  const customers = await warehouseRows('select customer_id, salesforce_contact_ids, salesforce_lead_ids, customer_ids from gold.customer');
  expect(listedIn(customers, 'salesforce_contact_ids')).toEqual(idsOf(marketed));
  expect(listedIn(customers, 'salesforce_lead_ids')).toEqual(idsOf(activeLeads));
  const memberNumbers = new Set([...marketed, ...activeLeads].map((record) => String(record['Member_Number__c'])));
  expect(customers.every((row) => memberNumbers.has(String(row['customer_id'])))).toBe(true);
}, 180_000);
