/**
 * The warehouse tables privacy deletes from, seen as streams so `Warehouse.deleteWhere` reaches them
 * in every warehouse: each stream table of the connector's source, and the quarantine table.
 */
import type { SourceKind } from '../../domain/connector';
import { streamsBySource } from '../../domain/streams';
import type { StreamDefinition } from '../../domain/streams/types';
import { METADATA_COLUMNS, QUARANTINE_TABLE } from '../warehouses/sql';
import type { DeletePredicate } from '../warehouses/types';

export const QUARANTINE_TABLE_STREAM: StreamDefinition = {
  name: 'quarantine',
  table: QUARANTINE_TABLE,
  primaryKey: 'load_id',
  cursorColumn: 'quarantined_at',
  columns: [
    { name: 'load_id', type: 'string' },
    { name: 'record_key', type: 'string' },
    { name: 'quarantined_at', type: 'timestamp' },
  ],
};

/** Every stream of the source, configured or not: a stream dropped from the config may still have a table. */
export const streamTablesOf = (source: SourceKind): StreamDefinition[] => Object.values(streamsBySource[source]);

/**
 * Rows past the window: by the stream's cursor column (the last change at the source) when it is a
 * time, else by when we loaded the row.
 */
export function expiredRows(stream: StreamDefinition, cutoff: string): DeletePredicate {
  const cursor = stream.columns.find((column) => column.name === stream.cursorColumn);
  if (cursor?.type === 'timestamp') return { column: cursor.name, op: 'lt', value: cutoff };
  if (cursor?.type === 'date') return { column: cursor.name, op: 'lt', value: cutoff.slice(0, 10) };
  return { column: METADATA_COLUMNS.loadedAt, op: 'lt', value: cutoff };
}
