/**
 * Schema evolution decided once for every warehouse: compare a stream's definition with the columns
 * its table has, and say what to add, what to widen, and what only to report.
 */
import type { ColumnType, StreamColumn, StreamDefinition } from '../../domain/streams/types';
import { METADATA_COLUMNS } from './sql';
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

const COLUMN_TYPES: ReadonlySet<string> = new Set<ColumnType>([
  'string',
  'integer',
  'number',
  'boolean',
  'timestamp',
  'date',
  'json',
]);

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
