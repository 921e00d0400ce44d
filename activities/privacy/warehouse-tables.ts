/**
 * The warehouse tables privacy deletes from, seen as streams so `Warehouse.deleteWhere` reaches them
 * in every warehouse: each stream table of the connector's source, the quarantine table, and (for
 * retention) the tombstone table.
 */
import type { SourceKind } from '../../domain/connector';
import { streamsOf } from '../../domain/sources';
import type { StreamDefinition } from '../../domain/streams/types';
import { QUARANTINE_TABLE_STREAM } from '../warehouses/quarantine-stream';
import { METADATA_COLUMNS } from '../warehouses/sql';
import { DELETIONS_TABLE_STREAM } from '../warehouses/tombstones';
import type { DeletePredicate } from '../warehouses/types';

/** Every stream of the source, configured or not: a stream dropped from the config may still have a table. */
export const streamTablesOf = (source: SourceKind): StreamDefinition[] => streamsOf(source);

/** Bookkeeping tables, which name the connector in `connector_id` rather than in the metadata column. */
const BOOKKEEPING_TABLES: ReadonlySet<StreamDefinition> = new Set([QUARANTINE_TABLE_STREAM, DELETIONS_TABLE_STREAM]);

/**
 * Every table a retention sweep reaches. Tombstones hold keys, no values; one recorded before the
 * cutoff only keeps out versions older than its deletion, which are past the window by their own
 * cursor: should one come back once its tombstone is swept, the next sweep takes it.
 */
export const sweptTablesOf = (source: SourceKind): StreamDefinition[] => [...streamTablesOf(source), ...BOOKKEEPING_TABLES];

/**
 * The connector's rows past the window: by the stream's cursor column (the last change at the
 * source) when it is a time, else by when we loaded the row. Only that connector's: connectors
 * loading into one destination share its tables, each under its own retention policy.
 */
export function expiredRows(stream: StreamDefinition, cutoff: string, connectorId: string): DeletePredicate {
  const and = { column: BOOKKEEPING_TABLES.has(stream) ? 'connector_id' : METADATA_COLUMNS.connectorId, value: connectorId };
  const cursor = stream.columns.find((column) => column.name === stream.cursorColumn);
  if (cursor?.type === 'timestamp') return { column: cursor.name, op: 'lt', value: cutoff, and };
  if (cursor?.type === 'date') return { column: cursor.name, op: 'lt', value: cutoff.slice(0, 10), and };
  return { column: METADATA_COLUMNS.loadedAt, op: 'lt', value: cutoff, and };
}
