/** Which rows of a stream's table hold looked-up values, for uniqueness checked beyond one batch. */
import type { StreamDefinition } from '../../../domain/streams/types';
import { heldValuesOf, heldValuesSelect } from '../held-values';
import type { ResolvedPredicate } from '../predicate';
import { qualifiedName } from '../sql';
import type { HeldValue } from '../types';
import type { DataApi } from './connection';
import { boundCondition } from './delete';
import { existingColumns } from './tables';
import { plainRows } from './values';

export async function findHeldValues(
  api: DataApi,
  schema: string,
  stream: StreamDefinition,
  lookups: readonly ResolvedPredicate[],
): Promise<HeldValue[]> {
  const [first] = lookups;
  if (!first) return [];
  // A table not made yet, or a column it has not gained yet, holds no value.
  const columns = await existingColumns(api, schema, stream.table);
  if (!columns.has(first.column) || !columns.has(stream.primaryKey)) return [];
  const held: HeldValue[] = [];
  for (const lookup of lookups) {
    const { condition, parameters } = boundCondition(lookup);
    const sql = heldValuesSelect(qualifiedName(schema, stream.table), stream, lookup, condition);
    const result = await api.select(sql, parameters, `look up ${lookup.column} values in ${schema}.${stream.table}`);
    held.push(...heldValuesOf(plainRows(result), stream, lookup));
  }
  return held;
}
