/**
 * Times a backfill of N Salesforce contacts (default 100k) through the plug-in alone, REST pages
 * against a Bulk API 2.0 job, interleaved: jsforce against the simulator, each page from the last
 * one's token and cursor as a cycle reads it, no Temporal and no warehouse. Prints the seconds, the
 * requests and what Salesforce's 150 requests a minute make of those requests.
 *
 *   npx tsx bench/salesforce-bulk-read.ts 100000 --runs 2
 */
import { salesforceSource, type SalesforceSourceConfig } from '../activities/sources/salesforce';
import { salesforceSourceSchema } from '../activities/sources/salesforce/definition';
import type { StreamCursor } from '../domain/cycle';
import { startSalesforceSimulator } from '../simulators/salesforce/server';

const contacts = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] ?? 2) || 2;
/** Salesforce's documented rate for this org: 150 requests a minute. */
const REQUESTS_PER_SECOND = 150 / 60;

async function backfill(config: SalesforceSourceConfig): Promise<{ seconds: number; rows: number; requests: number }> {
  const started = performance.now();
  let cursor: StreamCursor | null = null;
  let pageToken: string | null = null;
  let rows = 0;
  let requests = 0;
  for (;;) {
    const page = await salesforceSource.readPage(
      config,
      'contact',
      { connectorId: 'bench', cursor, pageToken, partition: null },
      new AbortController().signal,
    );
    rows += page.rows.length;
    requests += page.apiCalls;
    const last = page.rows.at(-1);
    if (last) cursor = { value: String(last.system_modstamp), lastKey: String(last.id) };
    if (page.nextPageToken === null) return { seconds: (performance.now() - started) / 1000, rows, requests };
    pageToken = page.nextPageToken;
  }
}

async function main(): Promise<void> {
  const sim = await startSalesforceSimulator({ contacts, counts: { Lead: 0, Opportunity: 0, CampaignMember: 0 } });
  const base = { kind: 'salesforce', loginUrl: sim.url, auth: { type: 'access-token', accessToken: sim.accessToken }, apiQuotaShare: 1 };
  const paths = {
    rest: salesforceSourceSchema.parse({ ...base, bulkThreshold: contacts }),
    bulk: salesforceSourceSchema.parse({ ...base, bulkThreshold: 0 }),
  };
  try {
    for (let run = 1; run <= runs; run += 1) {
      for (const [name, config] of Object.entries(paths)) {
        const { seconds, rows, requests } = await backfill(config);
        const floor = requests / REQUESTS_PER_SECOND;
        console.log(
          `${name} run ${run}: ${rows} rows in ${seconds.toFixed(2)} s (${Math.round(rows / seconds)} rows/s), ` +
            `${requests} requests (at 150/min: ≥ ${floor.toFixed(1)} s)`,
        );
      }
    }
  } finally {
    await sim.stop();
  }
}

void main();
