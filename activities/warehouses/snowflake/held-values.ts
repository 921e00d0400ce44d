/** Which rows of a stream's table hold looked-up values, for uniqueness checked beyond one batch. */
import type { StreamDefinition } from '../../../domain/streams/types';
import { heldValuesOf, heldValuesSelect } from '../held-values';
import type { ResolvedPredicate } from '../predicate';
import { predicateCondition } from '../sql';
import type { HeldValue } from '../types';
import { COLUMN_TYPES, identifier, tableName } from './names';
import { readOnlyQuery } from './query';
import type { SnowflakeSession } from './connection';
import { existingColumns } from './tables';

export async function findHeldValues(
  session: SnowflakeSession,
  schema: string,
  stream: StreamDefinition,
  lookups: readonly ResolvedPredicate[],
): Promise<HeldValue[]> {
  const [first] = lookups;
  if (!first) return [];
  // A table not made yet, or a column it has not gained yet, holds no value.
  const columns = await existingColumns(session, schema, stream.table);
  if (!columns.has(first.column) || !columns.has(stream.primaryKey)) return [];
  const held: HeldValue[] = [];
  for (const lookup of lookups) {
    // Each value is cast to the column's type, as a delete predicate's is.
    const condition = predicateCondition(lookup, (_, type) => `?::${COLUMN_TYPES[type]}`, identifier);
    const sql = heldValuesSelect(tableName(schema, stream.table), stream, lookup, condition, identifier);
    held.push(...heldValuesOf(await readOnlyQuery(session, sql, lookup.values), stream, lookup));
  }
  return held;
}
