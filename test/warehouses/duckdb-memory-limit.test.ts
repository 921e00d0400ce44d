/**
 * The embedded DuckDB warehouse's memory cap: what an operator sets in INSIGHT_HUB_DUCKDB_MEMORY_LIMIT
 * is what DuckDB itself reports through the warehouse's connection, the default caps it where unset
 * (not DuckDB's own 80 % of the machine), and a value DuckDB would not read stops start-up naming the
 * variable and the rule.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { connectWarehouse } from '../../activities/warehouses';
import { DEFAULT_DUCKDB_MEMORY_LIMIT } from '../../activities/warehouses/duckdb/memory-limit';
import { loadSettings } from '../../worker/settings';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ih-duckdb-memory-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The cap the embedded warehouse opened with, as DuckDB reports it through the warehouse. */
async function warehouseMemoryLimit(duckdbMemoryLimit: string | undefined): Promise<unknown> {
  const warehouse = await connectWarehouse(
    { kind: 'duckdb', schema: 'marketing' },
    await mkdtemp(path.join(root, 'db-')),
    duckdbMemoryLimit,
  );
  try {
    const [row] = await warehouse.query("select current_setting('memory_limit') as memory_limit", []);
    return row?.memory_limit;
  } finally {
    await warehouse.close();
  }
}

/** How DuckDB itself reports a memory_limit it is given (in MiB or GiB), or its own default when given none. */
async function asDuckDbReportsIt(memoryLimit: string | undefined): Promise<unknown> {
  const instance = await DuckDBInstance.create(':memory:', memoryLimit === undefined ? {} : { memory_limit: memoryLimit });
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll("select current_setting('memory_limit')");
    connection.closeSync();
    return reader.getRowsJS()[0]?.[0];
  } finally {
    instance.closeSync();
  }
}

describe('the embedded DuckDB warehouse memory cap', () => {
  test('the cap the settings give is the one DuckDB holds to', async () => {
    const { duckdbMemoryLimit } = loadSettings({ INSIGHT_HUB_DUCKDB_MEMORY_LIMIT: '384MiB' });
    expect(await warehouseMemoryLimit(duckdbMemoryLimit)).toBe('384.0 MiB');
  });

  test('unset, the warehouse is capped at the default, not at most of the machine', async () => {
    expect(loadSettings({}).duckdbMemoryLimit).toBe(DEFAULT_DUCKDB_MEMORY_LIMIT);
    const reported = await warehouseMemoryLimit(undefined);
    expect(reported).toBe(await asDuckDbReportsIt(DEFAULT_DUCKDB_MEMORY_LIMIT));
    // DuckDB's own default, 80 % of the machine's memory: what the warehouse took before it had a cap.
    expect(reported).not.toBe(await asDuckDbReportsIt(undefined));
  });

  test('a statement that outgrows the cap fails as a system error naming the setting to raise', async () => {
    const warehouse = await connectWarehouse({ kind: 'duckdb', schema: 'marketing' }, await mkdtemp(path.join(root, 'db-')), '32MB');
    try {
      // One list of ten million numbers (80 MB): a single aggregate state, which DuckDB cannot spill.
      await expect(warehouse.query('select list(i) as all_of_them from range(10000000) t(i)', [])).rejects.toMatchObject({
        category: 'system',
        message: expect.stringMatching(/^query: Out of Memory Error: .*INSIGHT_HUB_DUCKDB_MEMORY_LIMIT/),
      });
    } finally {
      await warehouse.close();
    }
  });

  test.each([
    ['lots', 'must be a size with its unit, e.g. 1GB, 1536MiB or 2GiB'],
    ['1024', 'must be a size with its unit, e.g. 1GB, 1536MiB or 2GiB'],
    ['80%', 'must be a size with its unit, e.g. 1GB, 1536MiB or 2GiB'],
    ['0GB', 'must be more than 0'],
  ])('INSIGHT_HUB_DUCKDB_MEMORY_LIMIT=%s is refused at start-up, naming the variable and the rule', (value, rule) => {
    expect(() => loadSettings({ INSIGHT_HUB_DUCKDB_MEMORY_LIMIT: value })).toThrow(`INSIGHT_HUB_DUCKDB_MEMORY_LIMIT: ${rule}`);
  });
});
