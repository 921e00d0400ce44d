/**
 * What closing the DuckDB file after every batch costs the load: ten batches of 10k rows merged into
 * a keyed table from NDJSON files, once with the instance kept open (one checkpoint at the end) and
 * once closed and opened again around every batch, as a cycle's loads do today (each `loadBatch` is
 * the last user of the file, so its close checkpoints the table and its key index).
 *
 *   npx tsx bench/duckdb-reopen.ts [--batches 10] [--rows 10000] [--rounds 2]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

const option = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const batches = option('--batches', 10);
const rows = option('--rows', 10_000);
const rounds = option('--rounds', 2);

const COLUMNS = `{'id': 'VARCHAR', 'email': 'VARCHAR', 'name': 'VARCHAR', 'modstamp': 'TIMESTAMPTZ', 'active': 'BOOLEAN'}`;
const MERGE = `MERGE INTO contact AS t USING staged AS s ON t.id = s.id
  WHEN MATCHED AND s.modstamp > t.modstamp THEN UPDATE SET email = s.email, name = s.name, modstamp = s.modstamp, active = s.active
  WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.email, s.name, s.modstamp, s.active)`;

async function writeBatches(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (let batch = 0; batch < batches; batch += 1) {
    const lines: string[] = [];
    for (let at = 0; at < rows; at += 1) {
      const n = batch * rows + at;
      const modstamp = new Date(1_700_000_000_000 + n * 1000).toISOString();
      lines.push(
        JSON.stringify({
          id: `003${String(n).padStart(15, '0')}`,
          email: `p${n}@example.com`,
          name: `Person ${n}`,
          modstamp,
          active: n % 2 === 0,
        }),
      );
    }
    const file = path.join(dir, `batch-${batch}.ndjson`);
    await writeFile(file, lines.join('\n'));
    files.push(file);
  }
  return files;
}

async function merge(connection: DuckDBConnection, file: string): Promise<void> {
  await connection.run('BEGIN TRANSACTION');
  await connection.run(`CREATE TEMP TABLE staged AS SELECT * FROM read_json($1, format = 'newline_delimited', columns = ${COLUMNS})`, [
    file,
  ]);
  await connection.run(MERGE);
  await connection.run('DROP TABLE staged');
  await connection.run('COMMIT');
}

/** Seconds for every batch's merge, the opens, closes and checkpoints included. */
async function load(database: string, files: string[], reopen: boolean): Promise<number> {
  const open = async (): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> => {
    const instance = await DuckDBInstance.create(database);
    return { instance, connection: await instance.connect() };
  };
  const close = ({ instance, connection }: { instance: DuckDBInstance; connection: DuckDBConnection }): void => {
    connection.closeSync();
    instance.closeSync();
  };
  let opened = await open();
  await opened.connection.run(
    'CREATE TABLE contact (id VARCHAR PRIMARY KEY, email VARCHAR, name VARCHAR, modstamp TIMESTAMPTZ, active BOOLEAN)',
  );
  const started = performance.now();
  for (const [at, file] of files.entries()) {
    if (reopen && at > 0) opened = await open();
    await merge(opened.connection, file);
    if (reopen) close(opened);
  }
  if (!reopen) {
    await opened.connection.run('CHECKPOINT');
    close(opened);
  }
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-reopen-'));
  try {
    const files = await writeBatches(dir);
    for (let round = 1; round <= rounds; round += 1) {
      const kept = await load(path.join(dir, `kept-${round}.duckdb`), files, false);
      const reopened = await load(path.join(dir, `reopened-${round}.duckdb`), files, true);
      console.log(`${batches} × ${rows} rows: kept open ${kept.toFixed(2)} s, closed after every batch ${reopened.toFixed(2)} s`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
