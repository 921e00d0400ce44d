/**
 * Times a refresh of the customer models in DuckDB on made-up CRM-sized data: `contacts` contacts
 * (2 % sharing a customer id with another), half as many leads (a third of them with a contact's
 * address), five SendGrid events per contact, a ticket per ten contacts, a campaign membership each.
 * Then a second refresh with nothing new (rebuilds nothing), and one after a Brandwatch load alone.
 * Each refresh prints the process's resident set before it and its peak while it ran (the made-up
 * rows were built in this process, so the growth is what to read); DuckDB is capped as the worker's
 * is (INSIGHT_HUB_DUCKDB_MEMORY_LIMIT, else its default).
 *
 *   npx tsx bench/model-refresh.ts [contacts=100000] [path/to/warehouse.duckdb=a temporary file]
 *   npx tsx bench/model-refresh.ts --copy-of <warehouse.duckdb>   (one refresh of a loaded warehouse's copy)
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Row } from '../activities/sources/types';
import type { SourceKind } from '../domain/connector';
import { connectWarehouse } from '../activities/warehouses';
import { MODEL_STATE_TABLE, refreshModels } from '../activities/models/refresh';
import { loadSettings } from '../worker/settings';
import { landRows } from '../test/models/fixtures';

const contacts = Number(process.argv[2] ?? 100_000);
/** `--copy-of <warehouse.duckdb>`: one refresh of a copy of a loaded warehouse (one a cycle left) instead of made-up rows. */
const copyOf = process.argv.includes('--copy-of') ? process.argv[process.argv.indexOf('--copy-of') + 1] : undefined;
const at = (day: number): string => new Date(Date.parse('2026-03-01T00:00:00.000Z') + day * 3_600_000).toISOString();
const email = (i: number): string => `person${i}@example.com`;

function rows(count: number, make: (i: number) => Row): Row[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ih-bench-models-'));
  const file = path.join(dir, 'w.duckdb');
  if (copyOf) await copyWithoutModels(copyOf, file);
  const warehouse = await connectWarehouse(
    { kind: 'duckdb', schema: 'marketing', path: copyOf ? file : (process.argv[3] ?? file) },
    dir,
    loadSettings().duckdbMemoryLimit,
  );
  const timed = async (what: string): Promise<void> => {
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const started = process.hrtime.bigint();
    const { rebuilt } = await refreshModels(warehouse).finally(() => clearInterval(sampler));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [counts] = await warehouse.query(
      'select (select count(*) from marketing.customer) as customers, (select count(*) from marketing.customer_touchpoint) as touchpoints',
    );
    const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
    console.log(
      `${what}: ${seconds.toFixed(2)} s, RSS ${mib(rssBefore)} → ${mib(peakRss)} MiB, rebuilt [${rebuilt.join(', ')}], ${JSON.stringify(counts)}`,
    );
  };
  /** Lands `count` made-up rows of a stream in the warehouse, as a load would. */
  const land = (source: SourceKind, stream: string, count: number, make: (i: number) => Row) =>
    landRows(warehouse, dir, source, stream, rows(count, make));
  try {
    if (copyOf) return await timed(`refresh of a copy of ${copyOf}`);
    const sf = { created_at: at(0), system_modstamp: at(1), is_deleted: false, is_active: true, last_modified_at: at(1) };
    await land('salesforce', 'contact', contacts, (i) => ({
      ...sf,
      id: `003${i}`,
      customer_id: `CUST-${i % Math.round(contacts * 0.98)}`,
      email: email(i),
      first_name: 'F',
      last_name: 'L',
      has_opted_out_of_email: false,
      account_id: `ACC-${i % 5_000}`,
    }));
    await land('salesforce', 'lead', contacts / 2, (i) => ({
      ...sf,
      id: `00Q${i}`,
      email: i % 3 === 0 ? email(i) : `lead${i}@example.com`,
      first_name: 'F',
      last_name: 'L',
    }));
    await land('salesforce', 'campaign_member', contacts, (i) => ({
      ...sf,
      id: `00v${i}`,
      campaign_id: `701${i % 50}`,
      contact_id: `003${i}`,
      status: 'Sent',
    }));
    await land('sendgrid', 'events', contacts * 5, (i) => ({
      sg_event_id: `e${i}`,
      event: ['delivered', 'open', 'click', 'delivered', 'open'][i % 5],
      email: email(i % contacts),
      event_time: at(i % 240),
      received_at: at(i % 240),
      custom_args: { campaign_id: `701${i % 50}` },
    }));
    await land('zendesk', 'tickets', contacts / 10, (i) => ({
      id: i,
      created_at: at(i % 240),
      updated_at: at(i % 240),
      status: 'open',
      sentiment_score: -0.25,
      is_deleted: false,
      requester_email: email(i * 7),
    }));
    await timed('first refresh');
    await timed('nothing new');
    await land('brandwatch', 'mentions', 1_000, (i) => ({
      resource_id: `m${i}`,
      added: at(i % 240),
      date: at(i % 240),
      query_id: i % 3,
      sentiment: 'positive',
      sentiment_score: 0.5,
      impressions: 10,
    }));
    await timed('after a Brandwatch load');
  } finally {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A copy of the file without the models' recorded state, so that the refresh rebuilds every model. */
async function copyWithoutModels(from: string, to: string): Promise<void> {
  await copyFile(from, to);
  const instance = await DuckDBInstance.create(to);
  const connection = await instance.connect();
  await connection.run(`DROP TABLE IF EXISTS marketing.${MODEL_STATE_TABLE}`);
  connection.closeSync();
  instance.closeSync();
}

void main();
