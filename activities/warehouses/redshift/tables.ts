/**
 * The stream table, ledger, quarantine and tombstones in Redshift: column types, physical design (a customer's
 * rows on one slice with DISTKEY, time-ordered blocks with SORTKEY), creation and evolution.
 */
import type { ColumnType, StreamColumn, StreamDefinition } from '../../../domain/streams/types';
import { columnTypeReader, planTable, type SchemaPlan } from '../evolution';
import { DELETIONS_TABLE, LEDGER_TABLE, METADATA_COLUMNS, QUARANTINE_TABLE, qualifiedName, quoteIdentifier } from '../sql';
import { deletionsColumnDefinitions } from '../tombstones';
import type { SchemaChange } from '../types';
import type { DataApi } from './connection';

/** Redshift's VARCHAR holds 256 bytes unless told otherwise; 65535 is its largest. */
export const COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'VARCHAR(65535)',
  integer: 'BIGINT',
  number: 'DOUBLE PRECISION',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
  date: 'DATE',
  json: 'SUPER',
};

/** SVV_COLUMNS spells the types out. */
const readColumnType = columnTypeReader(COLUMN_TYPES, {
  'character varying': 'string',
  bigint: 'integer',
  'double precision': 'number',
  boolean: 'boolean',
  'timestamp with time zone': 'timestamp',
  date: 'date',
  super: 'json',
});

/** The column that keeps one customer's rows together when a stream has it. */
export const CUSTOMER_ID_COLUMN = 'customer_id';

export const METADATA_DEFINITIONS: readonly (readonly [string, string])[] = [
  [METADATA_COLUMNS.loadId, 'VARCHAR(512)'],
  [METADATA_COLUMNS.loadedAt, 'TIMESTAMPTZ'],
  [METADATA_COLUMNS.source, 'VARCHAR(256)'],
  [METADATA_COLUMNS.connectorId, 'VARCHAR(256)'],
];

export const columnDefinition = (column: Pick<StreamColumn, 'name' | 'type'>): string =>
  `${quoteIdentifier(column.name)} ${COLUMN_TYPES[column.type]}`;

/** DISTKEY on the customer id when the stream has one (else Redshift chooses), SORTKEY on the cursor. */
export function physicalDesign(stream: StreamDefinition): string {
  const has = (name: string): boolean => stream.columns.some((column) => column.name === name);
  const distribution = has(CUSTOMER_ID_COLUMN) ? `DISTKEY (${quoteIdentifier(CUSTOMER_ID_COLUMN)})` : 'DISTSTYLE AUTO';
  const sort = has(stream.cursorColumn) ? ` SORTKEY (${quoteIdentifier(stream.cursorColumn)})` : '';
  return distribution + sort;
}

function createStreamTable(schema: string, stream: StreamDefinition): string {
  const definitions = [
    ...stream.columns.map(columnDefinition),
    ...METADATA_DEFINITIONS.map(([name, type]) => `${quoteIdentifier(name)} ${type}`),
    `PRIMARY KEY (${quoteIdentifier(stream.primaryKey)})`,
  ];
  const table = qualifiedName(schema, stream.table);
  return `CREATE TABLE IF NOT EXISTS ${table} (${definitions.join(', ')}) ${physicalDesign(stream)}`;
}

function createSharedTables(schema: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`,
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, LEDGER_TABLE)} (
       load_id VARCHAR(512) NOT NULL, connector_id VARCHAR(256) NOT NULL, stream VARCHAR(256) NOT NULL,
       rows_merged BIGINT NOT NULL, rows_deleted BIGINT NOT NULL, rows_quarantined BIGINT NOT NULL,
       loaded_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (load_id))`,
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, QUARANTINE_TABLE)} (
       load_id VARCHAR(512) NOT NULL, connector_id VARCHAR(256) NOT NULL, stream VARCHAR(256) NOT NULL,
       record_key VARCHAR(65535), reasons SUPER NOT NULL, record SUPER NOT NULL, quarantined_at TIMESTAMPTZ NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, DELETIONS_TABLE)} (${deletionsColumnDefinitions(COLUMN_TYPES)})`,
  ];
}

/** The table's columns and their stream types; empty when the table does not exist. */
export async function existingColumns(api: DataApi, schema: string, table: string): Promise<Map<string, string>> {
  const { records } = await api.select(
    `SELECT column_name, data_type FROM svv_columns
     WHERE table_schema = :schema AND table_name = :table ORDER BY ordinal_position`,
    { schema, table },
    `read the columns of ${schema}.${table}`,
  );
  return new Map(records.map(([name, type]) => [name?.stringValue ?? '', readColumnType(type?.stringValue ?? '')]));
}

/**
 * Redshift changes a column's type in place only for VARCHAR lengths: a widening copies the values
 * into a new column of the wider type, which then takes the old one's place.
 */
function widenStatements(table: string, column: StreamColumn): string[] {
  const name = quoteIdentifier(column.name);
  const wider = quoteIdentifier(`${column.name}__ih_widened`);
  const type = COLUMN_TYPES[column.type];
  return [
    `ALTER TABLE ${table} ADD COLUMN ${wider} ${type}`,
    // A date read as a timestamp is midnight, taken as UTC (Redshift sessions run in UTC).
    `UPDATE ${table} SET ${wider} = CAST(${name} AS ${type})`,
    `ALTER TABLE ${table} DROP COLUMN ${name}`,
    `ALTER TABLE ${table} RENAME COLUMN ${wider} TO ${name}`,
  ];
}

/** Redshift cannot drop its key columns, so they cannot be widened by copying either. */
function keyColumns(stream: StreamDefinition): Set<string> {
  return new Set([stream.primaryKey, stream.cursorColumn, CUSTOMER_ID_COLUMN]);
}

/**
 * How the stream's table would evolve; null when the table does not exist yet. A widening of a key
 * column is reported as not applied and left out of `widen`.
 */
async function planEvolution(api: DataApi, schema: string, stream: StreamDefinition): Promise<SchemaPlan | null> {
  const plan = planTable(stream, await existingColumns(api, schema, stream.table));
  if (plan === null) return null;
  const keys = keyColumns(stream);
  return {
    add: plan.add,
    widen: plan.widen.filter((column) => !keys.has(column.name)),
    changes: plan.changes.map((change) =>
      change.change === 'widened' && keys.has(change.column) ? { ...change, applied: false } : change,
    ),
  };
}

/** What ensureTables would apply or report, read without changing anything. */
export async function describeSchemaChanges(api: DataApi, schema: string, stream: StreamDefinition): Promise<SchemaChange[]> {
  return (await planEvolution(api, schema, stream))?.changes ?? [];
}

export async function ensureTables(api: DataApi, schema: string, stream: StreamDefinition): Promise<SchemaChange[]> {
  await api.batch(createSharedTables(schema), undefined, `create the schema ${schema}, its ledger, quarantine and tombstones`);
  const plan = await planEvolution(api, schema, stream);
  if (plan === null) {
    await api.execute(createStreamTable(schema, stream), undefined, `create the table ${schema}.${stream.table}`);
    return [];
  }
  const table = qualifiedName(schema, stream.table);
  // One column per ADD COLUMN: Redshift allows no more.
  const statements = [
    ...plan.add.map((column) => `ALTER TABLE ${table} ADD COLUMN ${columnDefinition(column)}`),
    ...plan.widen.flatMap((column) => widenStatements(table, column)),
  ];
  // Locked first: a load running meanwhile must not write to a column that is being replaced.
  if (statements.length) {
    await api.batch([`LOCK ${table}`, ...statements], undefined, `evolve the table ${schema}.${stream.table}`);
  }
  return plan.changes;
}
