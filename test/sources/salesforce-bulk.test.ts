/**
 * The Salesforce source's Bulk API 2.0 path, through the real jsforce against the simulator's query
 * jobs: the conformance checklist on the bulk path, a throttle in the middle of a job costing no
 * row, deletions through queryAll, a failed job, the daily quota, and small reads staying on REST.
 */
import { RateLimitedError } from '../../activities/errors';
import { salesforceSource, type SalesforceSourceConfig } from '../../activities/sources/salesforce';
import { salesforceSourceSchema } from '../../activities/sources/salesforce/definition';
import type { PageRequest, SourcePage } from '../../activities/sources/types';
import type { StreamCursor } from '../../domain/cycle';
import { startSalesforceSimulator, type SalesforceSimulator, type SalesforceSimulatorOptions } from '../../simulators/salesforce/server';
import { useSimulators } from '../support/fixture';
import { salesforceBulkCase } from './cases/salesforce';
import { describeSourceConformance } from './conformance';
import { inCursorOrder, passwordConfig, rowsOf } from './salesforce-reading';

describeSourceConformance(salesforceBulkCase);

const simulator = useSimulators((options: SalesforceSimulatorOptions = {}) =>
  startSalesforceSimulator({ contacts: 60, pageSize: 7, ...options }),
);

const bulkConfig = (sim: SalesforceSimulator, bulkThreshold = 20): SalesforceSourceConfig =>
  salesforceSourceSchema.parse({ ...passwordConfig(sim), bulkThreshold });

/**
 * Reads contacts to the end as the cycle does: each page from the last one's token and the cursor
 * after the rows staged so far; a throttled page is retried as it was, as Temporal retries it.
 */
async function readContacts(
  config: SalesforceSourceConfig,
  { partition = null, onPage }: { partition?: string | null; onPage?: (page: SourcePage) => Promise<void> } = {},
): Promise<{ pages: SourcePage[]; throttled: number }> {
  const pages: SourcePage[] = [];
  let cursor: StreamCursor | null = null;
  let pageToken: string | null = null;
  let throttled = 0;
  for (;;) {
    const request: PageRequest = { connectorId: 'salesforce-bulk-test', cursor, pageToken, partition };
    const page: SourcePage | null = await salesforceSource
      .readPage(config, 'contact', request, new AbortController().signal)
      .catch((error: unknown) => {
        if (!(error instanceof RateLimitedError)) throw error;
        throttled += 1;
        return null;
      });
    if (!page) continue;
    pages.push(page);
    await onPage?.(page);
    const last = page.rows.at(-1);
    if (last) cursor = { value: String(last.system_modstamp), lastKey: String(last.id) };
    if (page.nextPageToken === null) return { pages, throttled };
    pageToken = page.nextPageToken;
  }
}

const contactIds = (sim: SalesforceSimulator): string[] =>
  sim
    .records('Contact')
    .map((record) => String(record.Id))
    .sort();

describe('Bulk API 2.0 reads', () => {
  it('reads a backfill above the threshold through one queryAll job, in cursor order, every record once', async () => {
    const sim = await simulator();
    const { pages } = await readContacts(bulkConfig(sim));
    const rows = rowsOf(pages);
    expect(rows.map((row) => String(row.id)).sort()).toEqual(contactIds(sim));
    expect(inCursorOrder(rows)).toBe(true);
    expect(sim.bulkJobs()).toEqual([expect.objectContaining({ operation: 'queryAll', state: 'JobComplete' })]);
    // The first REST page is kept; the job reads what follows it, in chunks of at most the page size.
    expect(sim.requests('queryAll')).toHaveLength(1);
    expect(sim.requests('bulkResults').length).toBeGreaterThanOrEqual(Math.ceil((rows.length - 7) / 7));
    // Every data request is counted against the org's limits, one per page (the first also logs in).
    const dataRequests = sim.requests().filter((request) => request.endpoint !== 'token');
    expect(pages.slice(1).every((page) => page.apiCalls === 1)).toBe(true);
    expect(pages.reduce((sum, page) => sum + page.apiCalls, 0)).toBe(dataRequests.length + 1);
  });

  it.each([
    { status: 429 as const, what: '429' },
    { status: 403 as const, what: 'REQUEST_LIMIT_EXCEEDED (concurrent requests)' },
  ])('reads on after a $what in the middle of the job, the throttled chunk again, nothing lost or read twice', async ({ status }) => {
    const sim = await simulator();
    // REST page, open, two checks, a first chunk: then the next two requests are refused.
    sim.throttle({ status, times: 2, after: 5, retryAfterSeconds: 1 });
    const { pages, throttled } = await readContacts(bulkConfig(sim));
    const ids = rowsOf(pages).map((row) => String(row.id));
    expect(throttled).toBe(2);
    expect(sim.requests('bulkResults').filter((request) => request.status === status)).toHaveLength(2);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(ids.sort()).toEqual(contactIds(sim));
    expect(sim.bulkJobs()).toHaveLength(1);
  });

  it('brings a deleted record through queryAll on the bulk path, flagged deleted', async () => {
    const sim = await simulator();
    const [deleted] = sim.records('Contact').filter((record) => record.IsDeleted !== true);
    if (!deleted) throw new Error('the org has no live contact');
    sim.deleteRecord('Contact', String(deleted.Id));
    const rows = rowsOf((await readContacts(bulkConfig(sim))).pages);
    expect(rows.find((row) => row.id === deleted.Id)).toMatchObject({ is_deleted: true });
    expect(sim.bulkJobs()[0]).toMatchObject({ operation: 'queryAll', query: expect.stringContaining('ORDER BY SystemModstamp, Id') });
  });

  it('goes on through REST from the cursor when the job fails (a failure asked through the admin route)', async () => {
    const sim = await simulator();
    const asked = await fetch(`${sim.url}/__sim/bulk-jobs/failures`, { method: 'POST', body: JSON.stringify({ count: 1 }) });
    expect(asked.status).toBe(204);
    const { pages } = await readContacts(bulkConfig(sim));
    const ids = rowsOf(pages).map((row) => String(row.id));
    const jobs: unknown = await (await fetch(`${sim.url}/__sim/bulk-jobs`)).json();
    expect(jobs).toEqual([expect.objectContaining({ operation: 'queryAll', state: 'Failed' })]);
    expect(sim.requests('queryMore').length).toBeGreaterThan(0);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(ids.sort()).toEqual(contactIds(sim));
  });

  it('opens the job again from the cursor when Salesforce no longer has it, nothing lost or read twice', async () => {
    const sim = await simulator();
    let deleted = false;
    const { pages } = await readContacts(bulkConfig(sim), {
      onPage: async (page) => {
        const [job] = sim.bulkJobs();
        if (deleted || !job || page.rows.length === 0 || sim.requests('bulkResults').length === 0) return;
        // As a job past its seven days, or deleted by an admin, is gone.
        const gone = await fetch(`${sim.url}/services/data/v59.0/jobs/query/${job.id}`, {
          method: 'DELETE',
          headers: { Authorization: `Bearer ${sim.accessToken}` },
        });
        expect(gone.status).toBe(204);
        deleted = true;
      },
    });
    const ids = rowsOf(pages).map((row) => String(row.id));
    expect(deleted).toBe(true);
    expect(sim.bulkJobs()).toHaveLength(1); // the first is deleted; this is the one opened again
    expect(sim.requests('bulkResults').some((request) => request.status === 404)).toBe(true);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(ids.sort()).toEqual(contactIds(sim));
  });

  it('reads each customer-ID range in a job of its own, every contact once', async () => {
    const sim = await simulator({ contacts: 120 });
    const config = salesforceSourceSchema.parse({ ...bulkConfig(sim, 5), customerIdBoundaries: ['CUST-100040', 'CUST-100080'] });
    const partitions = salesforceSource.partitions?.(config, 'contact') ?? [];
    const perRange = await Promise.all(partitions.map(async (partition) => rowsOf((await readContacts(config, { partition })).pages)));
    expect(
      perRange
        .flat()
        .map((row) => String(row.id))
        .sort(),
    ).toEqual(contactIds(sim));
    expect(sim.bulkJobs()).toHaveLength(partitions.length);
    perRange.forEach((rows) => expect(inCursorOrder(rows)).toBe(true));
  });

  it('stops a bulk read at the connector share of the daily quota, like a REST read', async () => {
    const sim = await simulator({ quota: { used: 96, max: 100 } });
    const { pages } = await readContacts({ ...bulkConfig(sim), apiQuotaShare: 0.99 });
    expect(pages.at(-1)?.stop).toMatchObject({ reason: 'daily-api-quota' });
    expect(sim.bulkJobs()).toHaveLength(1);
    expect(rowsOf(pages).length).toBeLessThan(sim.records('Contact').length);
  });

  it('keeps reads at or below the threshold on REST', async () => {
    const sim = await simulator();
    const { pages } = await readContacts(bulkConfig(sim, sim.records('Contact').length));
    expect(rowsOf(pages)).toHaveLength(sim.records('Contact').length);
    expect(sim.bulkJobs()).toHaveLength(0);
    expect(sim.requests('queryMore').length).toBeGreaterThan(0);
  });
});
