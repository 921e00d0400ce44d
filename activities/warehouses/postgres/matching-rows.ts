/** A stream table's rows picked by a checked predicate, its values bound as parameters cast to the column's type. */
import type { PoolClient } from 'pg';
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { heldValuesSelect } from '../held-values';
import type { MatchingRows } from '../matching-rows';
import { predicateCondition } from '../sql';
import { COLUMN_TYPES, existingColumns } from './tables';

const placeholder = (position: number, type: ColumnType): string => `$${position + 1}::${COLUMN_TYPES[type]}`;

/** `table` is the stream's table by its qualified name. */
export function matchingRows(client: PoolClient, schema: string, stream: StreamDefinition, table: string): MatchingRows {
  return {
    columns: () => existingColumns(client, schema, stream.table),
    delete: async (predicate) => {
      const sql = `DELETE FROM ${table} WHERE ${predicateCondition(predicate, placeholder)}`;
      return (await client.query(sql, [...predicate.values])).rowCount ?? 0;
    },
    selectHeld: async (lookup) => {
      const sql = heldValuesSelect(table, stream, lookup, predicateCondition(lookup, placeholder));
      return (await client.query<Record<string, unknown>>(sql, [...lookup.values])).rows;
    },
  };
}
