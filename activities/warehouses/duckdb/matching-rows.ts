/**
 * Rows of a stream's table picked by a checked predicate, its values bound as parameters cast to the
 * column's type: deleted (retention, erasure) or looked up (uniqueness beyond one batch).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { heldValuesSelect, readHeldValues } from '../held-values';
import type { ResolvedPredicate } from '../predicate';
import { predicateCondition } from '../sql';
import type { HeldValue } from '../types';
import { COLUMN_TYPES, existingColumns } from './tables';
import { readOnlyQuery } from './values';

const placeholder = (position: number, type: ColumnType): string => `CAST($${position + 1} AS ${COLUMN_TYPES[type]})`;

/** `table` is the stream's table by its qualified name. */
export async function deleteRows(
  connection: DuckDBConnection,
  schema: string,
  stream: StreamDefinition,
  predicate: ResolvedPredicate,
  table: string,
): Promise<number> {
  // A table not made yet, or a column it has not gained yet, holds no matching row.
  const columns = await existingColumns(connection, schema, stream.table);
  if (!columns.has(predicate.column)) return 0;
  const condition = predicateCondition(predicate, placeholder);
  return (await connection.run(`DELETE FROM ${table} WHERE ${condition}`, [...predicate.values])).rowsChanged;
}

export function findHeldValues(
  connection: DuckDBConnection,
  schema: string,
  stream: StreamDefinition,
  lookups: readonly ResolvedPredicate[],
  table: string,
): Promise<HeldValue[]> {
  return readHeldValues(stream, lookups, {
    columns: () => existingColumns(connection, schema, stream.table),
    rows: (lookup) => {
      const sql = heldValuesSelect(table, stream, lookup, predicateCondition(lookup, placeholder));
      return readOnlyQuery(connection, sql, lookup.values);
    },
  });
}
