/**
 * The warehouse tables privacy deletes from, seen as streams so `Warehouse.deleteWhere` reaches them
 * in every warehouse: each stream table of the connector's source, and the quarantine table.
 */
import type { SourceKind } from '../../domain/connector';
import { streamsBySource } from '../../domain/streams';
import type { StreamDefinition } from '../../domain/streams/types';
import { QUARANTINE_TABLE_STREAM } from '../warehouses/quarantine-stream';
import { METADATA_COLUMNS } from '../warehouses/sql';
import type { DeletePredicate } from '../warehouses/types';

/** Every stream of the source, configured or not: a stream dropped from the config may still have a table. */
export const streamTablesOf = (source: SourceKind): StreamDefinition[] => Object.values(streamsBySource[source]);

/**
 * The connector's rows past the window: by the stream's cursor column (the last change at the
 * source) when it is a time, else by when we loaded the row. Only that connector's: connectors
 * loading into one destination share its tables, each under its own retention policy.
 */
export function expiredRows(stream: StreamDefinition, cutoff: string, connectorId: string): DeletePredicate {
  const and = { column: stream === QUARANTINE_TABLE_STREAM ? 'connector_id' : METADATA_COLUMNS.connectorId, value: connectorId };
  const cursor = stream.columns.find((column) => column.name === stream.cursorColumn);
  if (cursor?.type === 'timestamp') return { column: cursor.name, op: 'lt', value: cutoff, and };
  if (cursor?.type === 'date') return { column: cursor.name, op: 'lt', value: cutoff.slice(0, 10), and };
  return { column: METADATA_COLUMNS.loadedAt, op: 'lt', value: cutoff, and };
}
