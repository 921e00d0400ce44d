/** How the DuckDB plug-in reads a stream table's columns: by the table's own catalog entry, and for any name. */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { existingColumns } from '../../activities/warehouses/duckdb/tables';

let connection: DuckDBConnection;

beforeAll(async () => {
  connection = await (await DuckDBInstance.create(':memory:')).connect();
  await connection.run('CREATE SCHEMA marketing');
  await connection.run('CREATE TABLE marketing.contact (id VARCHAR, seen_at TIMESTAMPTZ, score DOUBLE, active BOOLEAN)');
  await connection.run(`CREATE SCHEMA "we""ird"`);
  await connection.run(`CREATE TABLE "we""ird"."ta ble" (id VARCHAR, "quo""te" BIGINT)`);
});
afterAll(() => connection.closeSync());

test('a table’s columns come in order, with their stream types', async () => {
  expect([...(await existingColumns(connection, 'marketing', 'contact'))]).toEqual([
    ['id', 'string'],
    ['seen_at', 'timestamp'],
    ['score', 'number'],
    ['active', 'boolean'],
  ]);
});

test('a table or schema that does not exist has no columns, and an open transaction goes on', async () => {
  await connection.run('BEGIN TRANSACTION');
  expect((await existingColumns(connection, 'marketing', 'lead')).size).toBe(0);
  expect((await existingColumns(connection, 'sales', 'lead')).size).toBe(0);
  await connection.run('CREATE TABLE marketing.lead (id VARCHAR)');
  await connection.run('COMMIT');
  expect([...(await existingColumns(connection, 'marketing', 'lead'))]).toEqual([['id', 'string']]);
});

test('names that need quoting are read too', async () => {
  expect([...(await existingColumns(connection, 'we"ird', 'ta ble'))]).toEqual([
    ['id', 'string'],
    ['quo"te', 'integer'],
  ]);
  expect((await existingColumns(connection, 'we"ird', 'missing')).size).toBe(0);
});
