/**
 * Issue 12: Bulk API 2.0 as a user reaches it. A connector created through the HTTP API with a low
 * `bulkThreshold` backfills its contacts through a Bulk API 2.0 query job (queryAll) and loads every
 * one of them into DuckDB; its next, small increment reads REST pages and opens no job.
 * API → Temporal → the Salesforce simulator (real jsforce) → DuckDB.
 */
import type { DestinationConfig } from '../../domain/connector';
import { FLAWS } from '../../simulators/salesforce/flaws';
import { simulatedSalesforceSource } from '../../simulators/salesforce/source';
import { useStack } from '../support/stack';
import { scheduledConnector } from './scheduled-connector';

const destination: DestinationConfig = { kind: 'duckdb', schema: 'bulk' };
const noFlaws = Object.fromEntries(FLAWS.map((flaw) => [flaw, 0]));
const stack = useStack({
  name: 'bulk-api',
  destination,
  // REST pages (and bulk result chunks) of 25: the first page says 120 records follow, over the threshold.
  salesforce: { contacts: 120, pageSize: 25, deletedRate: 0, flawRates: noFlaws, seed: 5 },
});
const { call, warehouseRows, runCycle } = stack;

/** The contacts the load lets through: every one that did not opt out of email (none is inactive here). */
const consentingIds = (): string[] =>
  stack.salesforce
    .records('Contact')
    .filter((record) => record['HasOptedOutOfEmail'] !== true)
    .map((record) => String(record['Id']))
    .sort();

const loadedIds = async (): Promise<string[]> =>
  (await warehouseRows('select id from bulk.salesforce_contact')).map((row) => String(row['id'])).sort();

test('a backfill above bulkThreshold goes through a Bulk API 2.0 job and loads every row; a small increment stays on REST', async () => {
  const connectorId = await stack.createConnector(
    scheduledConnector('Contacts in bulk', {
      source: simulatedSalesforceSource(stack.salesforce.url, { streams: ['contact'], bulkThreshold: 50 }),
      destination,
      guardrails: { maxInvalidShare: 1 },
    }),
  );
  const created = await call('GET', `/api/v1/data-warehouse-connector/${connectorId}`);
  expect(JSON.stringify(created.body)).toContain('"bulkThreshold":50');

  const backfill = await runCycle(connectorId);
  expect(backfill.status).toBe('completed');
  expect(backfill.streams.find((s) => s.stream === 'contact')).toMatchObject({ outcome: 'loaded', extracted: 120, quarantined: 0 });
  expect(await loadedIds()).toEqual(consentingIds());

  // One job over queryAll (deletions included), opened after the first REST page, its results read in chunks.
  const [job, ...others] = stack.salesforce.bulkJobs();
  expect(others).toEqual([]);
  expect(job).toMatchObject({ operation: 'queryAll', state: 'JobComplete', query: expect.stringContaining('FROM Contact') });
  expect(stack.salesforce.requests('bulkJob').length).toBeGreaterThan(0);
  expect(stack.salesforce.requests('bulkResults').length).toBeGreaterThanOrEqual(Math.ceil((120 - 25) / 25));
  expect(stack.salesforce.requests('queryAll')).toHaveLength(1);

  // A contact changed since: a REST page of one, no new job.
  await new Promise((resolve) => setTimeout(resolve, 1_010 - (Date.now() % 1_000)));
  const [changed] = consentingIds();
  stack.salesforce.updateRecord('Contact', changed ?? '', { Title: 'Head of Bulk' });
  const increment = await runCycle(connectorId);
  expect(increment.streams.find((s) => s.stream === 'contact')).toMatchObject({ outcome: 'loaded', extracted: 1, loaded: 1 });
  expect(stack.salesforce.bulkJobs()).toHaveLength(1);
  expect(await warehouseRows(`select title from bulk.salesforce_contact where id = '${changed}'`)).toEqual([{ title: 'Head of Bulk' }]);
  expect(await loadedIds()).toEqual(consentingIds());
}, 180_000);
