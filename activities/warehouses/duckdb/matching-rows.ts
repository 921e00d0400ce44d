/** A stream table's rows picked by a checked predicate, its values bound as parameters cast to the column's type. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { heldValuesSelect } from '../held-values';
import type { MatchingRows } from '../matching-rows';
import { predicateCondition } from '../sql';
import { COLUMN_TYPES, existingColumns } from './tables';
import { readOnlyQuery } from './values';

const placeholder = (position: number, type: ColumnType): string => `CAST($${position + 1} AS ${COLUMN_TYPES[type]})`;

/** `table` is the stream's table by its qualified name. */
export function matchingRows(connection: DuckDBConnection, schema: string, stream: StreamDefinition, table: string): MatchingRows {
  return {
    columns: () => existingColumns(connection, schema, stream.table),
    delete: async (predicate) => {
      const sql = `DELETE FROM ${table} WHERE ${predicateCondition(predicate, placeholder)}`;
      return (await connection.run(sql, [...predicate.values])).rowsChanged;
    },
    selectHeld: (lookup) =>
      readOnlyQuery(connection, heldValuesSelect(table, stream, lookup, predicateCondition(lookup, placeholder)), lookup.values),
  };
}
