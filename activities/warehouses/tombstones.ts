/**
 * Tombstones: the keys a load deleted, each with its deletion's cursor value, one table per warehouse
 * (DELETIONS_TABLE). A version older than its key's deletion — a stale re-read, a quarantined row
 * released long after — is dropped from the batch before anything is written, so it cannot bring the
 * row back; a version at least as new (an undelete) passes, and its row then outranks the tombstone.
 * Written in the load's transaction, for streams with a `deletedColumn` only. Tombstones hold keys,
 * never values: retention sweeps them with the connector's rows (DELETIONS_TABLE_STREAM).
 *
 * The table is append-only: a deletion newer than every recorded one of its key adds a row, nothing
 * is updated or deleted by a load. Loads of different streams share the table, and where concurrent
 * transactions that mutate one table abort each other (BigQuery), appending keeps them apart.
 *
 * The SQL is shared; each warehouse passes its spelling of what dialects write differently.
 */
import type { ColumnType, StreamDefinition } from '../../domain/streams/types';
import { ConnectorError } from '../errors';
import { DELETIONS_TABLE, atLeastAsNew, deletionStatement, quoteIdentifier } from './sql';
import type { LoadBatch } from './types';

/** Cursor types a deletion can be ordered by. */
type VersionType = Exclude<ColumnType, 'boolean' | 'json'>;
const VERSION_TYPES: readonly VersionType[] = ['string', 'integer', 'number', 'date', 'timestamp'];

/**
 * Where a deletion's cursor value is kept, by the cursor's type: in a column of that type, so that it
 * compares with a batch's versions exactly as the stream's cursor does (instants as instants).
 */
export const DELETION_VERSION_COLUMNS: Readonly<Record<VersionType, string>> = {
  string: 'version_string',
  integer: 'version_integer',
  number: 'version_number',
  date: 'version_date',
  timestamp: 'version_timestamp',
};

export interface DeletionsColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly required: boolean;
}

/** The tombstone table's columns as stream types; each warehouse creates them with its own type names. */
export const DELETIONS_COLUMNS: readonly DeletionsColumn[] = [
  { name: 'connector_id', type: 'string', required: true },
  { name: 'stream', type: 'string', required: true },
  { name: 'record_key', type: 'string', required: true },
  ...VERSION_TYPES.map((type) => ({ name: DELETION_VERSION_COLUMNS[type], type, required: false })),
  { name: 'recorded_at', type: 'timestamp', required: true },
];

/** The tombstone table's column definitions in a warehouse's type names, for its CREATE TABLE. */
export function deletionsColumnDefinitions(
  types: Readonly<Record<ColumnType, string>>,
  quote: (name: string) => string = quoteIdentifier,
): string {
  return DELETIONS_COLUMNS.map((c) => `${quote(c.name)} ${types[c.type]}${c.required ? ' NOT NULL' : ''}`).join(', ');
}

/** What a tombstone is looked up by: an index, or clustering, where the warehouse has them. */
export const DELETIONS_KEY: readonly string[] = ['connector_id', 'stream', 'record_key'];

/** The tombstone table seen as a stream, so that `Warehouse.deleteWhere` reaches it (retention). */
export const DELETIONS_TABLE_STREAM: StreamDefinition = {
  name: 'deletions',
  table: DELETIONS_TABLE,
  primaryKey: 'record_key',
  cursorColumn: 'recorded_at',
  columns: DELETIONS_COLUMNS.map(({ name, type }) => ({ name, type })),
};

/** How a warehouse spells the tombstone statements' moving parts. */
export interface TombstoneDialect {
  readonly quote: (name: string) => string;
  /** The warehouse's text type: a key of another type is compared as its text. */
  readonly text: string;
  /** The current time. */
  readonly now: string;
  /**
   * The connector id and the stream name as bound values. Every statement here binds exactly these
   * two, so a warehouse with positional placeholders binds `[connectorId, stream.name]`.
   */
  readonly connectorId: string;
  readonly stream: string;
}

function versionColumn(stream: StreamDefinition): string {
  const type = stream.columns.find((column) => column.name === stream.cursorColumn)?.type;
  if (type === undefined || type === 'boolean' || type === 'json') {
    throw new ConnectorError(
      'config',
      `stream ${stream.name} marks deletions, so its cursor ${stream.cursorColumn} must be a string, number, date or time column, not ${type ?? 'missing'}`,
    );
  }
  return DELETION_VERSION_COLUMNS[type];
}

/** The names and expressions the statements share. */
function parts(stream: StreamDefinition, dialect: TombstoneDialect) {
  const q = dialect.quote;
  const key = q(stream.primaryKey);
  const keyType = stream.columns.find((column) => column.name === stream.primaryKey)?.type;
  return {
    key,
    cursor: q(stream.cursorColumn),
    version: q(versionColumn(stream)),
    recordKey: q('record_key'),
    keyText: (alias: string): string => (keyType === 'string' ? `${alias}.${key}` : `CAST(${alias}.${key} AS ${dialect.text})`),
    /** The tombstones of this connector's stream, under `alias`. */
    scoped: (alias: string): string =>
      `${alias}.${q('connector_id')} = ${dialect.connectorId} AND ${alias}.${q('stream')} = ${dialect.stream}`,
  };
}

/**
 * Drops from `batch` (a table holding one version per key) every version older than its key's
 * recorded deletion: it is neither written nor, as a deletion, applied — the recorded one did that.
 */
export function dropBuriedVersions(batch: string, deletions: string, stream: StreamDefinition, dialect: TombstoneDialect): string {
  const { key, cursor, version, recordKey, keyText, scoped } = parts(stream, dialect);
  return `DELETE FROM ${batch} WHERE ${key} IN (
     SELECT s.${key} FROM ${batch} AS s JOIN ${deletions} AS d ON d.${recordKey} = ${keyText('s')}
     WHERE ${scoped('d')} AND NOT ${atLeastAsNew(`s.${cursor}`, `d.${version}`)})`;
}

/**
 * Records the deletions among `batch`'s rows (those `deleted` holds for, one version per key, with a
 * cursor value) that are newer than every deletion recorded for their key: the same deletion recorded
 * again (a replayed load), or an older one, appends nothing.
 */
export function recordDeletions(
  batch: string,
  deletions: string,
  stream: StreamDefinition,
  deleted: (alias: string) => string,
  dialect: TombstoneDialect,
): string {
  const { cursor, version, recordKey, keyText, scoped } = parts(stream, dialect);
  const columns = ['connector_id', 'stream', 'record_key', versionColumn(stream), 'recorded_at'].map(dialect.quote);
  return `INSERT INTO ${deletions} (${columns.join(', ')})
     SELECT ${dialect.connectorId}, ${dialect.stream}, ${keyText('s')}, s.${cursor}, ${dialect.now} FROM ${batch} AS s
     WHERE ${deleted('s')} AND s.${cursor} IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM ${deletions} AS d WHERE ${scoped('d')} AND d.${recordKey} = ${keyText('s')} AND d.${version} >= s.${cursor})`;
}

/** Runs one statement, binding `binds` when given; resolves to how many rows it changed. */
export type RunStatement = (sql: string, binds?: string[]) => Promise<number>;

/** The tables a batch's deletions touch, by their names in SQL. */
export interface DeletionTables {
  /** The batch, one version per key. */
  readonly staged: string;
  /** The stream's table. */
  readonly target: string;
  readonly deletions: string;
}

/**
 * A batch's deletions where DELETE … USING removes rows (DuckDB, PostgreSQL, Snowflake): drops from
 * the batch the versions older than their key's tombstone, removes the stored rows the batch's
 * deletions supersede, and records those deletions; returns how many rows it removed. `run` binds
 * `[connectorId, stream]` to the statements naming them (`TombstoneDialect`).
 */
export async function applyDeletions(
  run: RunStatement,
  batch: LoadBatch,
  deletedColumn: string,
  tables: DeletionTables,
  dialect: TombstoneDialect,
): Promise<number> {
  const { stream } = batch;
  const { staged, target, deletions } = tables;
  const scope = [batch.connectorId, stream.name];
  await run(dropBuriedVersions(staged, deletions, stream, dialect), scope);
  // Skips deletions older than the stored row, so its count is the rows really removed.
  const removed = await run(deletionStatement(target, staged, stream, deletedColumn, dialect.quote));
  const flag = dialect.quote(deletedColumn);
  await run(
    recordDeletions(staged, deletions, stream, (s) => `${s}.${flag} IS TRUE`, dialect),
    scope,
  );
  return removed;
}
