/**
 * SQL shared by the warehouse plug-ins: the names every warehouse uses for its metadata, ledger,
 * quarantine and tombstones, identifier quoting, and the standard MERGE statement. Only identifiers
 * and file paths are ever spliced into SQL; record values always travel as files or bound parameters.
 */
import type { ColumnType, StreamColumn, StreamDefinition } from '../../domain/streams/types';
import type { ResolvedPredicate } from './predicate';

/** Columns every stream table carries besides the stream's own. */
export const METADATA_COLUMNS = {
  loadId: '_ih_load_id',
  loadedAt: '_ih_loaded_at',
  source: '_ih_source',
  connectorId: '_ih_connector_id',
} as const;

/** The metadata columns as stream columns: a warehouse types them as it types a stream's own. */
export const METADATA_STREAM_COLUMNS: readonly StreamColumn[] = [
  { name: METADATA_COLUMNS.loadId, type: 'string' },
  { name: METADATA_COLUMNS.loadedAt, type: 'timestamp' },
  { name: METADATA_COLUMNS.source, type: 'string' },
  { name: METADATA_COLUMNS.connectorId, type: 'string' },
];

/**
 * One row per loaded batch, with its figures: a loadId found here appends nothing again (quarantine,
 * ledger row), though its clean rows are merged again under the cursor guard.
 */
export const LEDGER_TABLE = '_ih_load_ledger';
/** Rows the quality gate rejected, with the reasons, kept beside the clean data. */
export const QUARANTINE_TABLE = '_ih_quarantine';
/** Tombstones: the keys a load deleted, with the deletion's cursor value (see tombstones.ts). */
export const DELETIONS_TABLE = '_ih_deletions';

/** A double-quoted identifier (SQL standard): embedded quotes are doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted string literal, for the few places a dialect accepts no bound parameter. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/** The stream's own columns followed by the metadata columns, as they appear in its table. */
export function tableColumnNames(stream: StreamDefinition): string[] {
  return [...stream.columns.map((column) => column.name), ...Object.values(METADATA_COLUMNS)];
}

/**
 * Whether the version `newer` is at least as new as `older` (two cursor values of one type): always
 * when `older` is null, never when only `newer` is. Never NULL.
 */
export function atLeastAsNew(newer: string, older: string): string {
  return `(${older} IS NULL OR (${newer} IS NOT NULL AND ${newer} >= ${older}))`;
}

/**
 * Whether the batch row `incoming` may replace or delete the stored row `stored` (both table aliases):
 * only when it is at least as new by the stream's cursor, or the stored row has no cursor value. Equal
 * cursors pass, so a re-read of the same version (GA4 re-reading a settled day) overwrites; an older
 * version (an overlapping cycle, a re-validated quarantine row) never wins. Both sides carry the
 * column's declared type, so each dialect compares instants, dates or text as such. Never NULL, so
 * `NOT` of it picks exactly the stale versions.
 */
export function supersedes(
  incoming: string,
  stored: string,
  stream: StreamDefinition,
  quote: (name: string) => string = quoteIdentifier,
): string {
  const cursor = quote(stream.cursorColumn);
  return atLeastAsNew(`${incoming}.${cursor}`, `${stored}.${cursor}`);
}

/**
 * Whether the batch row `incoming` is written over the stored row `stored`: it supersedes it, and the
 * stored row is not already that version as this very load wrote it (the same load id, the same
 * cursor value). A load run again under its loadId — a retry, or a re-read that hashes the same —
 * so rewrites nothing it finds in place, not even the load metadata, while it does write again a row
 * changed since to an older version, or written by another load. `loadId` is the load's id as an
 * expression, for a dialect whose batch rows do not carry it yet. Never NULL.
 */
export function replaces(
  incoming: string,
  stored: string,
  stream: StreamDefinition,
  { quote = quoteIdentifier, loadId }: { readonly quote?: (name: string) => string; readonly loadId?: string } = {},
): string {
  const cursor = quote(stream.cursorColumn);
  const [newer, older] = [`${incoming}.${cursor}`, `${stored}.${cursor}`];
  const thisLoad = loadId ?? `${incoming}.${quote(METADATA_COLUMNS.loadId)}`;
  const sameVersion = `(${newer} = ${older} OR (${newer} IS NULL AND ${older} IS NULL))`;
  const inPlace = `COALESCE(${stored}.${quote(METADATA_COLUMNS.loadId)} = ${thisLoad} AND ${sameVersion}, FALSE)`;
  return `(${supersedes(incoming, stored, stream, quote)} AND NOT ${inPlace})`;
}

/**
 * Standard MERGE: rows of `source` (which must hold every table column) update the row with the same
 * primary key when they replace it (`replaces`), or are inserted. The key itself is never updated.
 * `staleVersionsRemoved`: the caller already dropped from `source` every row that does not replace
 * the stored one, for a dialect whose MERGE takes no condition on WHEN MATCHED (Redshift).
 */
export function mergeStatement(
  target: string,
  source: string,
  stream: StreamDefinition,
  {
    staleVersionsRemoved = false,
    quote = quoteIdentifier,
  }: { readonly staleVersionsRemoved?: boolean; readonly quote?: (name: string) => string } = {},
): string {
  const columns = tableColumnNames(stream).map(quote);
  const key = quote(stream.primaryKey);
  const assignments = columns.filter((column) => column !== key).map((column) => `${column} = s.${column}`);
  const matched = staleVersionsRemoved ? 'WHEN MATCHED' : `WHEN MATCHED AND ${replaces('s', 't', stream, { quote })}`;
  return [
    `MERGE INTO ${target} AS t USING ${source} AS s ON t.${key} = s.${key}`,
    `${matched} THEN UPDATE SET ${assignments.join(', ')}`,
    `WHEN NOT MATCHED THEN INSERT (${columns.join(', ')}) VALUES (${columns.map((c) => `s.${c}`).join(', ')})`,
  ].join('\n');
}

/**
 * DELETE … USING (DuckDB, PostgreSQL, Snowflake): removes the stored rows that the batch's deletion
 * rows (`deletedColumn` true) supersede; a deletion older than the stored version leaves it be.
 */
export function deletionStatement(
  target: string,
  batch: string,
  stream: StreamDefinition,
  deletedColumn: string,
  quote: (name: string) => string = quoteIdentifier,
): string {
  const key = quote(stream.primaryKey);
  // The flag as a bare predicate (a NULL flag deletes nothing): every dialect accepts that form.
  return `DELETE FROM ${target} AS t USING ${batch} AS d
     WHERE t.${key} = d.${key} AND d.${quote(deletedColumn)} AND ${supersedes('d', 't', stream, quote)}`;
}

const COMPARISONS = { eq: '=', lt: '<', lte: '<=' } as const;

/**
 * The WHERE condition of a checked delete predicate. `placeholder` names the bound value at a
 * position (0-based) in the warehouse's syntax, typed as the column where the dialect needs a cast;
 * values are bound in `predicate.values` order.
 */
export function predicateCondition(
  predicate: ResolvedPredicate,
  placeholder: (position: number, type: ColumnType) => string,
  quote: (name: string) => string = quoteIdentifier,
): string {
  const column = quote(predicate.column);
  const own = predicate.and ? predicate.values.slice(0, -1) : predicate.values;
  const list = own.map((_, i) => placeholder(i, predicate.type)).join(', ');
  const condition =
    predicate.op === 'in'
      ? `${column} IN (${list})`
      : predicate.op === 'in-any-case'
        ? `lower(trim(${column})) IN (${list})`
        : `${column} ${COMPARISONS[predicate.op]} ${placeholder(0, predicate.type)}`;
  return predicate.and ? `${condition} AND ${quote(predicate.and.column)} = ${placeholder(own.length, predicate.and.type)}` : condition;
}

/** A whole-number result as a JSON-safe value: a number when exact, else its decimal string. */
export function plainInteger(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}
