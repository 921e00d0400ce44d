/**
 * The stream's table (clustered by customer), the ledger, the quarantine and the tombstones, created when missing
 * and evolved from the stream. Snowflake cannot change a column's type family in place (NUMBER to
 * FLOAT, DATE to TIMESTAMP_TZ), so a safe widening rebuilds the table in one CREATE OR REPLACE ...
 * AS SELECT: a single DDL statement, atomic, keeping every row, the clustering and the grants.
 */
import type { StreamColumn, StreamDefinition } from '../../../domain/streams/types';
import { columnTypeReader, planTable, type SchemaPlan } from '../evolution';
import { DELETIONS_TABLE, LEDGER_TABLE, QUARANTINE_TABLE } from '../sql';
import { deletionsColumnDefinitions } from '../tombstones';
import type { SchemaChange } from '../types';
import { CATALOG_TYPES, COLUMN_TYPES, METADATA_DEFINITIONS, catalogType, clusterBy, identifier, streamName, tableName } from './names';
import type { SnowflakeSession } from './connection';

const readType = columnTypeReader(CATALOG_TYPES);

async function ensureSharedTables(session: SnowflakeSession, schema: string): Promise<void> {
  await session.execute(`CREATE SCHEMA IF NOT EXISTS ${identifier(schema)}`);
  await session.execute(
    `CREATE TABLE IF NOT EXISTS ${tableName(schema, LEDGER_TABLE)} (
       "LOAD_ID" VARCHAR NOT NULL PRIMARY KEY, "CONNECTOR_ID" VARCHAR NOT NULL, "STREAM" VARCHAR NOT NULL,
       "ROWS_MERGED" NUMBER(38,0) NOT NULL, "ROWS_DELETED" NUMBER(38,0) NOT NULL, "ROWS_QUARANTINED" NUMBER(38,0) NOT NULL,
       "LOADED_AT" TIMESTAMP_TZ NOT NULL)`,
  );
  await session.execute(
    `CREATE TABLE IF NOT EXISTS ${tableName(schema, QUARANTINE_TABLE)} (
       "LOAD_ID" VARCHAR NOT NULL, "CONNECTOR_ID" VARCHAR NOT NULL, "STREAM" VARCHAR NOT NULL, "RECORD_KEY" VARCHAR,
       "REASONS" ARRAY NOT NULL, "RECORD" VARIANT NOT NULL, "QUARANTINED_AT" TIMESTAMP_TZ NOT NULL)`,
  );
  const tombstones = deletionsColumnDefinitions(COLUMN_TYPES, identifier);
  await session.execute(`CREATE TABLE IF NOT EXISTS ${tableName(schema, DELETIONS_TABLE)} (${tombstones})`);
}

/** The table's columns in order, by stream name, with the type the catalog reports. */
export async function existingColumns(session: SnowflakeSession, schema: string, table: string): Promise<Map<string, string>> {
  const { rows } = await session.execute(
    `SELECT "COLUMN_NAME", "DATA_TYPE", "NUMERIC_PRECISION", "NUMERIC_SCALE" FROM INFORMATION_SCHEMA.COLUMNS
     WHERE "TABLE_SCHEMA" = ? AND "TABLE_NAME" = ? ORDER BY "ORDINAL_POSITION"`,
    [schema.toUpperCase(), table.toUpperCase()],
  );
  return new Map(rows.map(([name, type, precision, scale]) => [streamName(String(name)), catalogType(String(type), precision, scale)]));
}

const definition = (name: string, type: string): string => `${identifier(name)} ${type}`;

async function createStreamTable(session: SnowflakeSession, schema: string, stream: StreamDefinition): Promise<void> {
  const definitions = [
    ...stream.columns.map((c) => definition(c.name, COLUMN_TYPES[c.type])),
    ...METADATA_DEFINITIONS.map(([name, type]) => definition(name, type)),
  ];
  const table = tableName(schema, stream.table);
  await session.execute(`CREATE TABLE IF NOT EXISTS ${table} (${definitions.join(', ')})${clusterBy(stream)}`);
}

async function rebuildWidened(
  session: SnowflakeSession,
  table: string,
  stream: StreamDefinition,
  columns: readonly string[],
  widen: readonly StreamColumn[],
): Promise<void> {
  const widened = new Map(widen.map((c) => [c.name, COLUMN_TYPES[c.type]]));
  const select = columns.map((name) => {
    const type = widened.get(name);
    return type ? `CAST(${identifier(name)} AS ${type}) AS ${identifier(name)}` : identifier(name);
  });
  await session.execute(`CREATE OR REPLACE TABLE ${table}${clusterBy(stream)} COPY GRANTS AS SELECT ${select.join(', ')} FROM ${table}`);
}

/** How the stream's table would evolve from its catalog columns; null when the table does not exist yet. */
function plan(stream: StreamDefinition, existing: ReadonlyMap<string, string>): SchemaPlan | null {
  return planTable(stream, new Map([...existing].map(([name, type]) => [name, readType(type)])));
}

/** What ensureTables would apply or report, read without changing anything. */
export async function describeSchemaChanges(session: SnowflakeSession, schema: string, stream: StreamDefinition): Promise<SchemaChange[]> {
  return plan(stream, await existingColumns(session, schema, stream.table))?.changes ?? [];
}

export async function ensureTables(session: SnowflakeSession, schema: string, stream: StreamDefinition): Promise<SchemaChange[]> {
  await ensureSharedTables(session, schema);
  const existing = await existingColumns(session, schema, stream.table);
  const planned = plan(stream, existing);
  if (planned === null) {
    await createStreamTable(session, schema, stream);
    return [];
  }
  const table = tableName(schema, stream.table);
  if (planned.widen.length > 0) await rebuildWidened(session, table, stream, [...existing.keys()], planned.widen);
  const missing = [
    ...planned.add.map((c): readonly [string, string] => [c.name, COLUMN_TYPES[c.type]]),
    ...METADATA_DEFINITIONS.filter(([name]) => !existing.has(name)),
  ];
  for (const [name, type] of missing) {
    await session.execute(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${definition(name, type)}`);
  }
  return planned.changes;
}
