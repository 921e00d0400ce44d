/** The stream table, ledger, quarantine and tombstones in DuckDB: their column types, creation and evolution. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { columnTypeReader, planSchemaChanges, type SchemaPlan } from '../evolution';
import { DELETIONS_TABLE, LEDGER_TABLE, METADATA_COLUMNS, QUARANTINE_TABLE, qualifiedName, quoteIdentifier } from '../sql';
import { deletionsColumnDefinitions } from '../tombstones';
import type { SchemaChange } from '../types';

export const COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
  date: 'DATE',
  json: 'JSON',
};

/** information_schema spells TIMESTAMPTZ out. */
const readColumnType = columnTypeReader(COLUMN_TYPES, { 'TIMESTAMP WITH TIME ZONE': 'timestamp' });

export type TypedColumn = readonly [name: string, duckdbType: string];

const METADATA_DEFINITIONS: readonly TypedColumn[] = [
  [METADATA_COLUMNS.loadId, 'VARCHAR'],
  [METADATA_COLUMNS.loadedAt, 'TIMESTAMPTZ'],
  [METADATA_COLUMNS.source, 'VARCHAR'],
  [METADATA_COLUMNS.connectorId, 'VARCHAR'],
];

export const streamColumns = (stream: StreamDefinition): TypedColumn[] =>
  stream.columns.map((column) => [column.name, COLUMN_TYPES[column.type]]);

/** Every column of the stream's table with its DuckDB type, metadata last. */
const tableColumns = (stream: StreamDefinition): TypedColumn[] => [...streamColumns(stream), ...METADATA_DEFINITIONS];

/** How each safe widening converts the old values; a date becomes midnight UTC. */
const WIDENING_CASTS: Readonly<Partial<Record<ColumnType, (column: string) => string>>> = {
  number: (column) => `CAST(${column} AS DOUBLE)`,
  timestamp: (column) => `timezone('UTC', CAST(${column} AS TIMESTAMP))`,
};

/** The table's columns and their stream types; empty when the table does not exist. */
export async function existingColumns(
  connection: DuckDBConnection,
  schema: string,
  table: string,
): Promise<Map<string, string>> {
  const reader = await connection.runAndReadAll(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2
     ORDER BY ordinal_position`,
    [schema, table],
  );
  return new Map(reader.getRowsJS().map(([name, type]) => [String(name), readColumnType(String(type))]));
}

/** How the stream's table would evolve; null when the table does not exist yet. */
async function planTable(connection: DuckDBConnection, schema: string, stream: StreamDefinition): Promise<SchemaPlan | null> {
  const existing = await existingColumns(connection, schema, stream.table);
  return existing.size === 0 ? null : planSchemaChanges(stream, existing);
}

/** What ensureTables would apply or report, read without changing anything. */
export async function describeSchemaChanges(
  connection: DuckDBConnection,
  schema: string,
  stream: StreamDefinition,
): Promise<SchemaChange[]> {
  return (await planTable(connection, schema, stream))?.changes ?? [];
}

/** One transaction: DDL is transactional in DuckDB, so a failure leaves the tables as they were. */
export async function ensureTables(
  connection: DuckDBConnection,
  schema: string,
  stream: StreamDefinition,
): Promise<SchemaChange[]> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const changes = await evolve(connection, schema, stream);
    await connection.run('COMMIT');
    return changes;
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function evolve(connection: DuckDBConnection, schema: string, stream: StreamDefinition): Promise<SchemaChange[]> {
  await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  await connection.run(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, LEDGER_TABLE)} (
       load_id VARCHAR PRIMARY KEY, connector_id VARCHAR NOT NULL, stream VARCHAR NOT NULL,
       rows_merged BIGINT NOT NULL, rows_deleted BIGINT NOT NULL, rows_quarantined BIGINT NOT NULL,
       loaded_at TIMESTAMPTZ NOT NULL)`,
  );
  await connection.run(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, QUARANTINE_TABLE)} (
       load_id VARCHAR NOT NULL, connector_id VARCHAR NOT NULL, stream VARCHAR NOT NULL, record_key VARCHAR,
       reasons VARCHAR[] NOT NULL, record JSON NOT NULL, quarantined_at TIMESTAMPTZ NOT NULL)`,
  );
  const tombstones = deletionsColumnDefinitions(COLUMN_TYPES);
  await connection.run(`CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, DELETIONS_TABLE)} (${tombstones})`);
  const table = qualifiedName(schema, stream.table);
  const plan = await planTable(connection, schema, stream);
  if (plan === null) {
    const definitions = tableColumns(stream).map(([name, type]) => `${quoteIdentifier(name)} ${type}`);
    const primaryKey = `PRIMARY KEY (${quoteIdentifier(stream.primaryKey)})`;
    await connection.run(`CREATE TABLE ${table} (${definitions.join(', ')}, ${primaryKey})`);
    return [];
  }
  for (const column of plan.add) {
    await connection.run(`ALTER TABLE ${table} ADD COLUMN ${quoteIdentifier(column.name)} ${COLUMN_TYPES[column.type]}`);
  }
  for (const column of plan.widen) {
    const name = quoteIdentifier(column.name);
    const cast = WIDENING_CASTS[column.type]?.(name) ?? name;
    await connection.run(`ALTER TABLE ${table} ALTER ${name} TYPE ${COLUMN_TYPES[column.type]} USING ${cast}`);
  }
  return plan.changes;
}
