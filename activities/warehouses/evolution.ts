/**
 * Schema evolution decided once for every warehouse: compare a stream's definition with the columns
 * its table has, and say what to add, what to widen, and what only to report.
 */
import type { ColumnType, StreamColumn, StreamDefinition } from '../../domain/streams/types';
import { METADATA_COLUMNS, METADATA_STREAM_COLUMNS, quoteIdentifier } from './sql';
import { SAFE_WIDENINGS, type SchemaChange } from './types';

export interface SchemaPlan {
  /** Every difference, in stream column order, then the table's columns the stream no longer has. */
  changes: SchemaChange[];
  add: StreamColumn[];
  widen: StreamColumn[];
}

const METADATA_NAMES: ReadonlySet<string> = new Set(Object.values(METADATA_COLUMNS));

/**
 * `existing` maps each table column to its stream type, or to the warehouse's own type name when that
 * type is none of the stream types (see `columnTypeReader`).
 */
export function planSchemaChanges(stream: StreamDefinition, existing: ReadonlyMap<string, string>): SchemaPlan {
  const plan: SchemaPlan = { changes: [], add: [], widen: [] };
  for (const column of stream.columns) {
    const from = existing.get(column.name);
    if (from === undefined) {
      plan.add.push(column);
      plan.changes.push({ column: column.name, change: 'added', to: column.type, applied: true });
    } else if (from !== column.type) {
      const safe = isColumnType(from) && (SAFE_WIDENINGS[from] ?? []).includes(column.type);
      if (safe) plan.widen.push(column);
      plan.changes.push({ column: column.name, change: safe ? 'widened' : 'retyped', from, to: column.type, applied: safe });
    }
  }
  const declared = new Set(stream.columns.map((column) => column.name));
  for (const [name, from] of existing) {
    if (!declared.has(name) && !METADATA_NAMES.has(name)) {
      plan.changes.push({ column: name, change: 'dropped', from, applied: false });
    }
  }
  return plan;
}

/** How the table would evolve; null when it does not exist yet (its catalog lists no column). */
export function planTable(stream: StreamDefinition, existing: ReadonlyMap<string, string>): SchemaPlan | null {
  return existing.size === 0 ? null : planSchemaChanges(stream, existing);
}

/** How a dialect whose ALTER … TYPE … USING converts a column in place types a stream table (DuckDB, PostgreSQL). */
export interface InPlaceDdl {
  readonly types: Readonly<Record<ColumnType, string>>;
  /** How each safe widening converts the old values, by the new type; the column as it is when absent. */
  readonly widenings: Readonly<Partial<Record<ColumnType, (column: string) => string>>>;
}

/** CREATE TABLE for a stream table that does not exist yet (`plan` null), else the ALTERs that apply `plan`. */
export function inPlaceTableStatements(table: string, stream: StreamDefinition, plan: SchemaPlan | null, ddl: InPlaceDdl): string[] {
  const definition = (column: StreamColumn): string => `${quoteIdentifier(column.name)} ${ddl.types[column.type]}`;
  if (plan === null) {
    const definitions = [...stream.columns, ...METADATA_STREAM_COLUMNS].map(definition);
    return [`CREATE TABLE ${table} (${definitions.join(', ')}, PRIMARY KEY (${quoteIdentifier(stream.primaryKey)}))`];
  }
  const widen = (column: StreamColumn): string => {
    const name = quoteIdentifier(column.name);
    const cast = ddl.widenings[column.type]?.(name) ?? name;
    return `ALTER TABLE ${table} ALTER COLUMN ${name} TYPE ${ddl.types[column.type]} USING ${cast}`;
  };
  return [...plan.add.map((column) => `ALTER TABLE ${table} ADD COLUMN ${definition(column)}`), ...plan.widen.map(widen)];
}

const COLUMN_TYPES: ReadonlySet<string> = new Set<ColumnType>(['string', 'integer', 'number', 'boolean', 'timestamp', 'date', 'json']);

function isColumnType(name: string): name is ColumnType {
  return COLUMN_TYPES.has(name);
}

/**
 * Reads a warehouse type name back as the stream type it was created from. `aliases` lists the
 * other spellings the warehouse's catalog reports (e.g. `timestamp with time zone`); comparison
 * ignores case. A type nobody maps is returned as the warehouse spelled it.
 */
export function columnTypeReader(
  types: Readonly<Record<ColumnType, string>>,
  aliases: Readonly<Record<string, ColumnType>> = {},
): (warehouseType: string) => string {
  const known = new Map<string, string>();
  for (const [columnType, warehouseType] of Object.entries(types)) known.set(warehouseType.toLowerCase(), columnType);
  for (const [warehouseType, columnType] of Object.entries(aliases)) known.set(warehouseType.toLowerCase(), columnType);
  return (warehouseType) => known.get(warehouseType.toLowerCase()) ?? warehouseType;
}
