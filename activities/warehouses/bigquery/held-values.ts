/** Which rows of a stream's table hold looked-up values, for uniqueness checked beyond one batch. */
import type { StreamDefinition } from '../../../domain/streams/types';
import { heldValuesOf, heldValuesSelect } from '../held-values';
import { valueTypes, type ResolvedPredicate } from '../predicate';
import { predicateCondition } from '../sql';
import type { HeldValue } from '../types';
import { runSql, type Session } from './connection';
import { PARAMETER_TYPES, placeholder } from './delete';
import { quoted, tablePath } from './statements';
import { readTable } from './tables';

export async function findHeldValues(session: Session, stream: StreamDefinition, lookups: readonly ResolvedPredicate[]): Promise<HeldValue[]> {
  const [first] = lookups;
  if (!first) return [];
  // A table not made yet, or a column it has not gained yet, holds no value.
  const fields = new Set((await readTable(session, stream.table))?.schema.fields.map((field) => field.name));
  if (!fields.has(first.column) || !fields.has(stream.primaryKey)) return [];
  const table = tablePath(session.projectId, session.datasetId, stream.table);
  const held: HeldValue[] = [];
  for (const lookup of lookups) {
    const names = lookup.values.map((_, i) => `p${i}`);
    const types = valueTypes(lookup);
    const rows = await runSql(
      session,
      {
        sql: heldValuesSelect(table, stream, lookup, predicateCondition(lookup, placeholder, quoted), quoted),
        params: Object.fromEntries(names.map((name, i) => [name, lookup.values[i]])),
        types: Object.fromEntries(names.map((name, i) => [name, PARAMETER_TYPES[types[i] ?? lookup.type]])),
      },
      `looking up ${lookup.column} values in ${stream.table}`,
    );
    held.push(...heldValuesOf(rows, stream, lookup));
  }
  return held;
}
