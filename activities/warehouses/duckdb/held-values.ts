/** Which rows of a stream's table hold looked-up values, for uniqueness checked beyond one batch. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { StreamDefinition } from '../../../domain/streams/types';
import { heldValuesOf, heldValuesSelect } from '../held-values';
import type { ResolvedPredicate } from '../predicate';
import { predicateCondition, qualifiedName } from '../sql';
import type { HeldValue } from '../types';
import { COLUMN_TYPES, existingColumns } from './tables';
import { readOnlyQuery } from './values';

export async function findHeldValues(
  connection: DuckDBConnection,
  schema: string,
  stream: StreamDefinition,
  lookups: readonly ResolvedPredicate[],
): Promise<HeldValue[]> {
  const [first] = lookups;
  if (!first) return [];
  // A table not made yet, or a column it has not gained yet, holds no value.
  const columns = await existingColumns(connection, schema, stream.table);
  if (!columns.has(first.column) || !columns.has(stream.primaryKey)) return [];
  const held: HeldValue[] = [];
  for (const lookup of lookups) {
    const condition = predicateCondition(lookup, (i, type) => `CAST($${i + 1} AS ${COLUMN_TYPES[type]})`);
    const rows = await readOnlyQuery(connection, heldValuesSelect(qualifiedName(schema, stream.table), stream, lookup, condition), lookup.values);
    held.push(...heldValuesOf(rows, stream, lookup));
  }
  return held;
}
