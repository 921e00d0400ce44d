/**
 * The stream table, ledger, quarantine and tombstones in PostgreSQL: their column types, creation, and evolution
 * read from information_schema. DDL is transactional here, so each ensureTable is all or nothing.
 */
import type { PoolClient } from 'pg';
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { type InPlaceDdl, type SchemaPlan, columnTypeReader, inPlaceTableStatements, planTable } from '../evolution';
import { DELETIONS_TABLE, LEDGER_TABLE, QUARANTINE_TABLE, qualifiedName, quoteIdentifier } from '../sql';
import { DELETIONS_KEY, deletionsColumnDefinitions } from '../tombstones';
import type { SchemaChange } from '../types';

/** Spelled as information_schema reports them, so the catalog reads back to the same stream type. */
export const COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'text',
  integer: 'bigint',
  number: 'double precision',
  boolean: 'boolean',
  timestamp: 'timestamp with time zone',
  date: 'date',
  json: 'jsonb',
};

const readColumnType = columnTypeReader(COLUMN_TYPES, { 'character varying': 'string', json: 'json' });

const DDL: InPlaceDdl = {
  types: COLUMN_TYPES,
  // How each safe widening converts the old values; the session is in UTC, so a date becomes midnight UTC.
  widenings: { timestamp: (column) => `${column}::timestamp AT TIME ZONE 'UTC'` },
};

/** The table's columns and their stream types; empty when the table does not exist. */
export async function existingColumns(client: PoolClient, schema: string, table: string): Promise<Map<string, string>> {
  const { rows } = await client.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  return new Map(rows.map((row) => [row.column_name, readColumnType(row.data_type)]));
}

/** How the stream's table would evolve; null when the table does not exist yet. */
async function plan(client: PoolClient, schema: string, stream: StreamDefinition): Promise<SchemaPlan | null> {
  return planTable(stream, await existingColumns(client, schema, stream.table));
}

/** What ensureTables would apply or report, read without changing anything. */
export async function describeSchemaChanges(client: PoolClient, schema: string, stream: StreamDefinition): Promise<SchemaChange[]> {
  return (await plan(client, schema, stream))?.changes ?? [];
}

/** Runs inside the caller's transaction. */
export async function ensureTables(client: PoolClient, schema: string, stream: StreamDefinition): Promise<SchemaChange[]> {
  // Two workers creating one schema at once would collide on the catalog's unique keys: take turns.
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`insight-hub:ddl:${schema}`]);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, LEDGER_TABLE)} (
       load_id text PRIMARY KEY, connector_id text NOT NULL, stream text NOT NULL,
       rows_merged bigint NOT NULL, rows_deleted bigint NOT NULL, rows_quarantined bigint NOT NULL,
       loaded_at timestamp with time zone NOT NULL)`,
  );
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, QUARANTINE_TABLE)} (
       load_id text NOT NULL, connector_id text NOT NULL, stream text NOT NULL, record_key text,
       reasons text[] NOT NULL, record jsonb NOT NULL, quarantined_at timestamp with time zone NOT NULL)`,
  );
  const tombstones = deletionsColumnDefinitions(COLUMN_TYPES);
  await client.query(`CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, DELETIONS_TABLE)} (${tombstones})`);
  // Every load of a stream with deletions looks its keys up here.
  await client.query(
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${DELETIONS_TABLE}_key`)}
     ON ${qualifiedName(schema, DELETIONS_TABLE)} (${DELETIONS_KEY.join(', ')})`,
  );
  const planned = await plan(client, schema, stream);
  for (const statement of inPlaceTableStatements(qualifiedName(schema, stream.table), stream, planned, DDL)) {
    await client.query(statement);
  }
  return planned?.changes ?? [];
}
