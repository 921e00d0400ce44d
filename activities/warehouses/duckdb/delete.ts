/** Deleting a stream's rows by a checked predicate, for retention and erasure. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { StreamDefinition } from '../../../domain/streams/types';
import type { ResolvedPredicate } from '../predicate';
import { predicateCondition, qualifiedName } from '../sql';
import { COLUMN_TYPES, existingColumns } from './tables';

export async function deleteRows(
  connection: DuckDBConnection,
  schema: string,
  stream: StreamDefinition,
  predicate: ResolvedPredicate,
): Promise<number> {
  // A table not made yet, or a column it has not gained yet, holds no matching row.
  const columns = await existingColumns(connection, schema, stream.table);
  if (!columns.has(predicate.column)) return 0;
  const condition = predicateCondition(predicate, (i, type) => `CAST($${i + 1} AS ${COLUMN_TYPES[type]})`);
  const result = await connection.run(`DELETE FROM ${qualifiedName(schema, stream.table)} WHERE ${condition}`, [
    ...predicate.values,
  ]);
  return result.rowsChanged;
}
