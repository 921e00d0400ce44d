/**
 * How long DuckDB takes to list one stream table's columns, the two ways the plug-in can ask
 * (activities/warehouses/duckdb/tables.ts): the table's own catalog entry (`pragma_table_info`) and
 * `information_schema.columns`, which lists every column of every table first. In an in-memory
 * warehouse of N tables (default 20) of 40 columns each, as a warehouse with a few connectors' streams
 * and the models has; least and median of 50 asks, five rounds alternating the two.
 *
 *   npx tsx bench/duckdb-table-columns.ts [tables]
 */
import { DuckDBInstance } from '@duckdb/node-api';

const tables = Number(process.argv[2] ?? 20);
const ASKS = 50;

async function main(): Promise<void> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  await connection.run('CREATE SCHEMA marketing');
  const columns = Array.from({ length: 40 }, (_, i) => `c${i} ${['VARCHAR', 'BIGINT', 'DOUBLE', 'TIMESTAMPTZ'][i % 4]}`).join(', ');
  for (let t = 0; t < tables; t += 1) await connection.run(`CREATE TABLE marketing.stream_${t} (${columns})`);
  const asks = {
    pragma_table_info: `SELECT name, type FROM pragma_table_info('"marketing"."stream_0"')`,
    'information_schema.columns': `SELECT column_name, data_type FROM information_schema.columns
      WHERE table_catalog = current_database() AND table_schema = 'marketing' AND table_name = 'stream_0' ORDER BY ordinal_position`,
  };
  const times: Record<string, number[]> = {};
  for (let round = 0; round < 5; round += 1) {
    for (const [name, sql] of Object.entries(asks)) {
      for (let i = 0; i < ASKS; i += 1) {
        const start = performance.now();
        (await connection.runAndReadAll(sql)).getRowsJS();
        (times[name] ??= []).push(performance.now() - start);
      }
    }
  }
  console.log(`${tables} tables of 40 columns, ${ASKS * 5} asks each:`);
  for (const [name, ms] of Object.entries(times)) {
    const sorted = [...ms].sort((a, b) => a - b);
    console.log(`  ${name.padEnd(28)} least ${sorted[0]?.toFixed(2)} ms, median ${sorted[sorted.length >> 1]?.toFixed(2)} ms`);
  }
  connection.closeSync();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
