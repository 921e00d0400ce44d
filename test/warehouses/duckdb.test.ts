/**
 * The embedded DuckDB warehouse: the shared conformance suite, then what is DuckDB's own — declared
 * column types, the default file, and one instance per file that really lets go of it on close.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { destinationSchema } from '../../domain/connector';
import { duckdbWarehouse } from '../../activities/warehouses/duckdb';
import { connectWarehouse } from '../../activities/warehouses';
import { describeWarehouseConformance } from './conformance';
import { BatchFactory, people, peopleWithNickname, person } from './fixtures';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ih-duckdb-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const freshDir = (): Promise<string> => mkdtemp(path.join(root, 'db-'));

describeWarehouseConformance({
  plugin: duckdbWarehouse,
  async freshDestination() {
    const dataDir = await freshDir();
    return { config: { kind: 'duckdb', schema: 'conformance' }, dataDir, schema: 'conformance' };
  },
});

/** Runs `script` in another Node process against the file; resolves with what it printed. */
function otherProcess(file: string, script: string): { output: Promise<string>; kill: () => void } {
  const child = spawn(process.execPath, ['-e', script, file], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const done = new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(output.trim());
    });
    child.on('exit', () => resolve(output.trim()));
  });
  return { output: done, kill: () => child.kill() };
}

/** Opens the file read-write in a separate process, as the demo's API or a shell would. */
const OPEN_AND_COUNT = `
  const { DuckDBInstance } = require('@duckdb/node-api');
  DuckDBInstance.create(process.argv[1])
    .then((db) => db.connect())
    .then((c) => c.runAndReadAll('select count(*) from marketing.conformance_person'))
    .then((r) => console.log('rows ' + r.getRowsJS()[0][0]), (e) => console.log('error ' + e.message));`;

describe('duckdb warehouse', () => {
  test('the default file lives in the data folder and tables carry the stream types', async () => {
    const dataDir = await freshDir();
    const batches = new BatchFactory(path.join(dataDir, 'staging'));
    const warehouse = await connectWarehouse(destinationSchema.parse({ kind: 'duckdb' }), dataDir);
    try {
      await warehouse.ensureTable(peopleWithNickname);
      await warehouse.load(await batches.batch([person('p1')]));
      const columns = await warehouse.query(
        `select column_name, data_type from information_schema.columns
         where table_schema = $1 and table_name = $2 order by ordinal_position`,
        ['marketing', people.table],
      );
      expect(Object.fromEntries(columns.map((c) => [c.column_name, c.data_type]))).toEqual({
        id: 'VARCHAR',
        customer_id: 'VARCHAR',
        email: 'VARCHAR',
        score: 'BIGINT',
        rating: 'DOUBLE',
        is_active: 'BOOLEAN',
        birthday: 'DATE',
        attributes: 'JSON',
        modified_at: 'TIMESTAMP WITH TIME ZONE',
        is_deleted: 'BOOLEAN',
        nickname: 'VARCHAR',
        _ih_load_id: 'VARCHAR',
        _ih_loaded_at: 'TIMESTAMP WITH TIME ZONE',
        _ih_source: 'VARCHAR',
        _ih_connector_id: 'VARCHAR',
      });
    } finally {
      await warehouse.close();
    }
    expect(existsSync(path.join(dataDir, 'warehouse.duckdb'))).toBe(true);
  });

  test('query is read-only', async () => {
    const warehouse = await connectWarehouse({ kind: 'duckdb', schema: 'marketing' }, await freshDir());
    try {
      await warehouse.ensureTable(people);
      await expect(warehouse.query(`drop table marketing.${people.table}`)).rejects.toThrow(/read-only/);
      expect(await warehouse.query(`select count(*) as n from marketing.${people.table}`)).toEqual([{ n: 0 }]);
    } finally {
      await warehouse.close();
    }
  });

  test('handles on one file share it; the file is free for another process once the last one closes', async () => {
    const dataDir = await freshDir();
    const file = path.join(dataDir, 'warehouse.duckdb');
    const batches = new BatchFactory(path.join(dataDir, 'staging'));
    const first = await connectWarehouse({ kind: 'duckdb', schema: 'marketing' }, dataDir);
    const second = await connectWarehouse({ kind: 'duckdb', schema: 'marketing', path: file }, dataDir);
    await first.ensureTable(people);
    await Promise.all([first.load(await batches.batch([person('p1')])), second.load(await batches.batch([person('p2')]))]);
    await first.close();
    const ids = await second.query(`select id from marketing.${people.table} order by id`);
    expect(ids).toEqual([{ id: 'p1' }, { id: 'p2' }]);
    expect(await otherProcess(file, OPEN_AND_COUNT).output).toMatch(/^error .*lock/);

    await second.close();
    expect(await otherProcess(file, OPEN_AND_COUNT).output).toBe('rows 2');
  });

  test('a file held by another process fails with a system error saying what to do', async () => {
    const dataDir = await freshDir();
    const file = path.join(dataDir, 'warehouse.duckdb');
    const holder = otherProcess(
      file,
      `require('@duckdb/node-api').DuckDBInstance.create(process.argv[1]).then(() => console.log('holding'));
       setInterval(() => {}, 1000);`,
    );
    try {
      expect(await holder.output).toBe('holding');
      await expect(connectWarehouse({ kind: 'duckdb', schema: 'marketing' }, dataDir)).rejects.toMatchObject({
        category: 'system',
        message: expect.stringContaining('one process at a time'),
      });
    } finally {
      holder.kill();
    }
  });
});
