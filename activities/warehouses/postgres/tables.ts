/**
 * The stream table, ledger, quarantine and tombstones in PostgreSQL: their column types, creation, and evolution
 * read from information_schema. DDL is transactional here, so each ensureTable is all or nothing.
 */
import type { PoolClient } from 'pg';
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { columnTypeReader, planSchemaChanges, type SchemaPlan } from '../evolution';
import { DELETIONS_TABLE, LEDGER_TABLE, METADATA_COLUMNS, QUARANTINE_TABLE, qualifiedName, quoteIdentifier } from '../sql';
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

const METADATA_DEFINITIONS: readonly (readonly [string, string])[] = [
  [METADATA_COLUMNS.loadId, 'text'],
  [METADATA_COLUMNS.loadedAt, 'timestamp with time zone'],
  [METADATA_COLUMNS.source, 'text'],
  [METADATA_COLUMNS.connectorId, 'text'],
];

/** How each safe widening converts the old values; the session is in UTC, so a date becomes midnight UTC. */
const WIDENING_CASTS: Readonly<Partial<Record<ColumnType, (column: string) => string>>> = {
  timestamp: (column) => `${column}::timestamp AT TIME ZONE 'UTC'`,
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
async function planTable(client: PoolClient, schema: string, stream: StreamDefinition): Promise<SchemaPlan | null> {
  const existing = await existingColumns(client, schema, stream.table);
  return existing.size === 0 ? null : planSchemaChanges(stream, existing);
}

/** What ensureTables would apply or report, read without changing anything. */
export async function describeSchemaChanges(client: PoolClient, schema: string, stream: StreamDefinition): Promise<SchemaChange[]> {
  return (await planTable(client, schema, stream))?.changes ?? [];
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
  const table = qualifiedName(schema, stream.table);
  const plan = await planTable(client, schema, stream);
  if (plan === null) {
    const definitions = [
      ...stream.columns.map((column) => `${quoteIdentifier(column.name)} ${COLUMN_TYPES[column.type]}`),
      ...METADATA_DEFINITIONS.map(([name, type]) => `${quoteIdentifier(name)} ${type}`),
    ];
    const primaryKey = `PRIMARY KEY (${quoteIdentifier(stream.primaryKey)})`;
    await client.query(`CREATE TABLE ${table} (${definitions.join(', ')}, ${primaryKey})`);
    return [];
  }
  for (const column of plan.add) {
    await client.query(`ALTER TABLE ${table} ADD COLUMN ${quoteIdentifier(column.name)} ${COLUMN_TYPES[column.type]}`);
  }
  for (const column of plan.widen) {
    const name = quoteIdentifier(column.name);
    const cast = WIDENING_CASTS[column.type]?.(name) ?? name;
    await client.query(`ALTER TABLE ${table} ALTER COLUMN ${name} TYPE ${COLUMN_TYPES[column.type]} USING ${cast}`);
  }
  return plan.changes;
}
