/** Which rows of a stream's table hold looked-up values, for uniqueness checked beyond one batch. */
import type { PoolClient } from 'pg';
import type { StreamDefinition } from '../../../domain/streams/types';
import { heldValuesOf, heldValuesSelect } from '../held-values';
import type { ResolvedPredicate } from '../predicate';
import { predicateCondition, qualifiedName } from '../sql';
import type { HeldValue } from '../types';
import { COLUMN_TYPES, existingColumns } from './tables';

export async function findHeldValues(
  client: PoolClient,
  schema: string,
  stream: StreamDefinition,
  lookups: readonly ResolvedPredicate[],
): Promise<HeldValue[]> {
  const [first] = lookups;
  if (!first) return [];
  // A table not made yet, or a column it has not gained yet, holds no value.
  const columns = await existingColumns(client, schema, stream.table);
  if (!columns.has(first.column) || !columns.has(stream.primaryKey)) return [];
  const held: HeldValue[] = [];
  for (const lookup of lookups) {
    const condition = predicateCondition(lookup, (i, type) => `$${i + 1}::${COLUMN_TYPES[type]}`);
    const sql = heldValuesSelect(qualifiedName(schema, stream.table), stream, lookup, condition);
    const { rows } = await client.query<Record<string, unknown>>(sql, [...lookup.values]);
    held.push(...heldValuesOf(rows, stream, lookup));
  }
  return held;
}
