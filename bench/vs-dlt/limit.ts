/**
 * The physical limit of a cycle: fetching every page over HTTP (and parsing it), then DuckDB's own
 * upsert of the same rows from one staged file into a keyed table. Writing the staged file is not
 * timed. Prints one JSON line: {fetchSeconds, upsertSeconds, rows, loaded}.
 *
 *   tsx bench/vs-dlt/limit.ts <simulator url> <work dir>
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { DuckDBInstance } from '@duckdb/node-api';
import { CONTACT_FIELDS, CONTACT_KEY, contactPages } from './contact-stream';

async function main(): Promise<void> {
  const [simulatorUrl, workDir] = process.argv.slice(2);
  if (!simulatorUrl || !workDir) throw new Error('usage: limit.ts <simulator url> <work dir>');

  const fetchStarted = performance.now();
  const pages: Record<string, unknown>[][] = [];
  for await (const page of contactPages(simulatorUrl)) pages.push(page);
  const fetchSeconds = (performance.now() - fetchStarted) / 1000;

  const staged = path.join(workDir, 'contacts.ndjson');
  const out = createWriteStream(staged);
  let rows = 0;
  for (const page of pages) {
    for (const { attributes: _attributes, ...record } of page) {
      if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
      rows += 1;
    }
  }
  out.end();
  await once(out, 'finish');

  const instance = await DuckDBInstance.create(path.join(workDir, 'limit.duckdb'));
  const connection = await instance.connect();
  const fields = Object.entries(CONTACT_FIELDS);
  const quoted = (name: string) => `"${name}"`;
  await connection.run(
    `create table contact (${fields.map(([name, type]) => `${quoted(name)} ${type}${name === CONTACT_KEY ? ' primary key' : ''}`).join(', ')})`,
  );
  const columns = `{${fields.map(([name, type]) => `'${name}': '${type}'`).join(', ')}}`;
  const upsertStarted = performance.now();
  await connection.run(
    `insert or replace into contact select * from read_json('${staged}', format = 'newline_delimited', columns = ${columns})`,
  );
  const upsertSeconds = (performance.now() - upsertStarted) / 1000;
  const loaded = Number((await connection.runAndReadAll('select count(*) from contact')).getRows()[0]?.[0]);
  connection.closeSync();
  instance.closeSync();
  process.stdout.write(`${JSON.stringify({ fetchSeconds, upsertSeconds, rows, loaded })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
