/**
 * Uniqueness over the whole extract and the warehouse, and erased subjects kept out of quality
 * reports, as a user sees them: API → Temporal → Salesforce simulator (real jsforce) → quality gate
 * → DuckDB. Pages of 100 rows and batches of 100 split one cycle's read into several batches.
 */
import { z } from 'zod';
import type { DestinationConfig } from '../../domain/connector';
import type { AutomationLevel } from '../../domain/guardrails';
import type { CycleReport, StreamReport } from '../../domain/cycle';
import { FLAWS } from '../../simulators/salesforce/flaws';
import type { SimRecord } from '../../simulators/salesforce/schema';
import { simulatedSalesforceSource } from '../../simulators/salesforce/source';
import { useStack } from '../support/stack';
import { eraseThroughApi } from './customers';
import { scheduledConnector } from './scheduled-connector';

const CONTACTS = 300;
const UNIQUE_CUSTOMER = 'unique(customer_id)';

const destination: DestinationConfig = { kind: 'duckdb', schema: 'marketing' };
const noFlaws = Object.fromEntries(FLAWS.map((flaw) => [flaw, 0]));
const stack = useStack({
  name: 'uniqueness',
  destination,
  salesforce: { contacts: CONTACTS, deletedRate: 0, flawRates: noFlaws, pageSize: 100, seed: 11 },
});
const { call, warehouseRows, runCycle } = stack;
let loading: string;
let preview: string;

/** Consenting contacts (the load screen keeps the others out), in the order Salesforce reads them. */
let contacts: SimRecord[];
const idOf = (record: SimRecord | undefined): string => String(record?.['Id']);
const customerOf = (record: SimRecord | undefined): string => String(record?.['Customer_Id__c']);

async function createConnector(name: string, schema: string, automationLevel: AutomationLevel): Promise<string> {
  return stack.createConnector(
    scheduledConnector(name, {
      automationLevel,
      source: simulatedSalesforceSource(stack.salesforce.url, { batchSize: 100 }),
      destination: { ...destination, schema },
      guardrails: { maxInvalidShare: 1, schemaChangePolicy: 'allow' },
    }),
  );
}

/**
 * Changes a contact in a second no earlier change used: the simulator stamps changes to the second,
 * and a cursor at the last change's stamp reads on only from its key, past a smaller id stamped alike.
 */
async function change(record: SimRecord | undefined, changes: Record<string, string>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1_010 - (Date.now() % 1_000)));
  stack.salesforce.updateRecord('Contact', idOf(record), changes);
}

const contactReport = (report: CycleReport): StreamReport | undefined => report.streams.find((s) => s.stream === 'contact');

const idsHolding = async (customerId: string): Promise<string[]> =>
  (await warehouseRows(`select id from marketing.salesforce_contact where customer_id = '${customerId}' order by id`)).map((row) =>
    String(row['id']),
  );

/** Every stored quality report of the connector, in full (as stored, quotes included). */
async function storedReports(connectorId: string): Promise<unknown[]> {
  const listed = await stack.store.qualityReports.list(connectorId, { limit: 500 });
  return Promise.all(listed.map(async ({ id }) => (await stack.store.qualityReports.get(id))?.report));
}

const quotedDuplicates = (report: unknown): unknown[] => {
  const parsed = z
    .object({
      results: z.array(
        z.object({
          expectation_config: z.object({ kwargs: z.record(z.string(), z.unknown()), type: z.string() }),
          result: z.object({ partial_unexpected_list: z.array(z.unknown()) }),
        }),
      ),
    })
    .parse(report);
  const unique = parsed.results.find(
    (r) => r.expectation_config.type === 'expect_column_values_to_be_unique' && r.expectation_config.kwargs['column'] === 'customer_id',
  );
  return unique?.result.partial_unexpected_list ?? [];
};

beforeAll(async () => {
  loading = await createConnector('Salesforce to DuckDB', 'marketing', 'auto');
  preview = await createConnector('Salesforce preview', 'preview', 'dry-run');

  const readOrder = (a: SimRecord, b: SimRecord) =>
    String(a['SystemModstamp']).localeCompare(String(b['SystemModstamp'])) || idOf(a).localeCompare(idOf(b));
  contacts = stack.salesforce
    .records('Contact')
    .filter((r) => r['HasOptedOutOfEmail'] === false)
    .sort(readOrder);
  // The first contact read lands in the first batch; the copy, modified now, in the last.
  stack.salesforce.updateRecord('Contact', idOf(contacts[150]), { Customer_Id__c: customerOf(contacts[0]) });
});

test('a dry run quarantines a customer id repeated in a later batch, though it loads neither batch', async () => {
  const report = await runCycle(preview);
  expect(report.status).toBe('dry-run');
  const contact = contactReport(report);
  expect(contact?.batches).toBeGreaterThanOrEqual(3);
  expect(contact).toMatchObject({
    outcome: 'dry-run',
    extracted: CONTACTS,
    quarantined: 1,
    wouldLoad: CONTACTS - 1,
    failuresByRule: { [UNIQUE_CUSTOMER]: 1 },
  });
}, 120_000);

test('a customer id repeated in a later batch of the same cycle is quarantined under the uniqueness rule; one row holds it', async () => {
  const report = await runCycle(loading);
  expect(report.status).toBe('completed');
  const contact = contactReport(report);
  expect(contact?.batches).toBeGreaterThanOrEqual(3);
  expect(contact).toMatchObject({ outcome: 'loaded', extracted: CONTACTS, quarantined: 1, failuresByRule: { [UNIQUE_CUSTOMER]: 1 } });

  const duplicated = customerOf(contacts[0]);
  expect(await idsHolding(duplicated)).toEqual([idOf(contacts[0])]);
  const quarantined = await warehouseRows("select record_key, reasons from marketing._ih_quarantine where stream = 'contact'");
  expect(quarantined).toEqual([{ record_key: idOf(contacts[150]), reasons: [UNIQUE_CUSTOMER] }]);
  // The stored GX report quotes the value, as GX does.
  expect((await storedReports(loading)).map(quotedDuplicates)).toContainEqual([duplicated]);
}, 120_000);

test('a customer id already loaded in an earlier cycle is quarantined when another contact takes it', async () => {
  const [taker, holder] = [contacts[20], contacts[40]];
  await change(taker, { Customer_Id__c: customerOf(holder) });
  const report = await runCycle(loading);
  expect(contactReport(report)).toMatchObject({
    outcome: 'loaded',
    extracted: 1,
    loaded: 0,
    quarantined: 1,
    failuresByRule: { [UNIQUE_CUSTOMER]: 1 },
  });
  expect(await idsHolding(customerOf(holder))).toEqual([idOf(holder)]);
}, 120_000);

test('an update of a loaded contact keeping its customer id still loads', async () => {
  const contact = contacts[0];
  await change(contact, { Title: 'Head of Growth' });
  const report = await runCycle(loading);
  expect(contactReport(report)).toMatchObject({ outcome: 'loaded', extracted: 1, loaded: 1, quarantined: 0 });
  const rows = await warehouseRows(`select id, title from marketing.salesforce_contact where customer_id = '${customerOf(contact)}'`);
  expect(rows).toEqual([{ id: idOf(contact), title: 'Head of Growth' }]);
}, 120_000);

test('an erased subject sent again is screened out before the quality gate: counted as suppressed, quoted in no stored report', async () => {
  const [erased, sharer] = [contacts[60], contacts[80]];
  const customerId = customerOf(erased);
  await eraseThroughApi(call, { customerId });

  // Sent again, and with a second contact sharing the id: unscreened, both would be quoted as duplicates.
  await change(erased, { Title: 'Returned' });
  stack.salesforce.updateRecord('Contact', idOf(sharer), { Customer_Id__c: customerId });
  const report = await runCycle(loading);
  expect(contactReport(report)).toMatchObject({ outcome: 'loaded', extracted: 2, loaded: 0, quarantined: 0, suppressed: 2 });
  expect(await idsHolding(customerId)).toEqual([]);
  expect(JSON.stringify(await storedReports(loading))).not.toContain(customerId);
}, 120_000);
