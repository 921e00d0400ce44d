/**
 * Times the warehouse load alone: 100k Salesforce contacts merged into an empty DuckDB table, the same
 * keys merged again as updates, and a replay that the ledger turns into a no-op.
 *
 *   npx tsx bench/warehouse-load.ts [rows=100000]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadIdFor } from '../domain/constants';
import { salesforceStreams } from '../activities/sources/salesforce/definition';
import type { Row } from '../activities/sources/types';
import { Staging, localPath } from '../activities/staging/staging';
import { connectWarehouse } from '../activities/warehouses';
import type { LoadBatch, Warehouse } from '../activities/warehouses/types';

const CONNECTOR_ID = 'bench';
const contact = salesforceStreams.contact;

/** Made-up contacts; `version` changes every non-key field so a second batch updates every row. */
function contacts(count: number, version: number): Row[] {
  const base = Date.parse('2026-01-01T00:00:00.000Z') + version * 86_400_000;
  return Array.from({ length: count }, (_, i) => ({
    id: `003${String(i).padStart(15, '0')}`,
    created_at: new Date(base - 86_400_000).toISOString(),
    system_modstamp: new Date(base + i * 1000).toISOString(),
    is_deleted: false,
    customer_id: `CUST-${i % 97_000}`,
    first_name: `First${i}`,
    last_name: `Last${version}`,
    email: `contact${i}.v${version}@example.com`,
    phone: i % 10 === 0 ? null : `+1-555-${String(i % 10_000).padStart(4, '0')}`,
    title: 'Marketing Manager',
    account_id: `001${String(i % 5000).padStart(15, '0')}`,
    mailing_country: ['US', 'DE', 'FR', 'GB'][i % 4],
    lead_source: 'Web',
    is_active: i % 7 !== 0,
    has_opted_out_of_email: i % 11 === 0,
    last_modified_at: new Date(base + i * 1000).toISOString(),
  }));
}

async function timedLoad(warehouse: Warehouse, staging: Staging, label: string, rows: Row[]): Promise<void> {
  const ref = await staging.writeBatch('clean', contact, rows, null);
  const batch: LoadBatch = {
    connectorId: CONNECTOR_ID,
    source: 'salesforce',
    stream: contact,
    loadId: loadIdFor(CONNECTOR_ID, contact.name, ref.sha256),
    cleanFile: localPath(ref),
    quarantineFile: null,
  };
  const started = performance.now();
  const result = await warehouse.load(batch);
  const seconds = (performance.now() - started) / 1000;
  const rate = Math.round(rows.length / seconds).toLocaleString('en-US');
  const outcome = result.alreadyLoaded
    ? `${rate} rows/s, already in the ledger: merged again, nothing appended`
    : `${rate} rows/s, merged ${result.merged}`;
  process.stdout.write(`${label.padEnd(22)} ${rows.length} rows in ${seconds.toFixed(2)} s (${outcome})\n`);
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100_000);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ih-bench-warehouse-'));
  const staging = new Staging(path.join(dataDir, 'staging'));
  const warehouse = await connectWarehouse({ kind: 'duckdb', schema: 'marketing' }, dataDir);
  try {
    await warehouse.ensureTable(contact);
    const first = contacts(count, 1);
    await timedLoad(warehouse, staging, 'insert (empty table)', first);
    await timedLoad(warehouse, staging, 'update (every key)', contacts(count, 2));
    await timedLoad(warehouse, staging, 'replay (ledger no-op)', contacts(count, 2));
    const [check] = await warehouse.query(`select count(*) as n, count(distinct id) as ids from marketing.${contact.table}`);
    process.stdout.write(`table holds ${check?.n} rows, ${check?.ids} distinct ids\n`);
  } finally {
    await warehouse.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
