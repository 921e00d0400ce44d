/**
 * Rows of a stream's table picked by a checked predicate: deleted (retention, erasure) or looked up
 * (uniqueness beyond one batch). Each value is bound and cast to the column's type, so ISO text
 * compares as an instant, not as text.
 */
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { heldValuesSelect, readHeldValues } from '../held-values';
import type { ResolvedPredicate } from '../predicate';
import { predicateCondition } from '../sql';
import type { HeldValue } from '../types';
import type { SnowflakeSession } from './connection';
import { COLUMN_TYPES, identifier } from './names';
import { readOnlyQuery } from './query';
import { existingColumns } from './tables';

const condition = (predicate: ResolvedPredicate): string =>
  predicateCondition(predicate, (_, type: ColumnType) => `?::${COLUMN_TYPES[type]}`, identifier);

/** Snowflake's code for an object that does not exist (or that the role may not see). */
const OBJECT_MISSING = '002003';

const hasCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && String(error.code) === code;

/** `table` is the stream's table by its qualified name. */
export async function deleteRows(session: SnowflakeSession, predicate: ResolvedPredicate, table: string): Promise<number> {
  try {
    return (await session.execute(`DELETE FROM ${table} WHERE ${condition(predicate)}`, [...predicate.values])).changed;
  } catch (error) {
    // A table never made holds nothing to delete.
    if (hasCode(error, OBJECT_MISSING)) return 0;
    throw error;
  }
}

export function findHeldValues(
  session: SnowflakeSession,
  schema: string,
  stream: StreamDefinition,
  lookups: readonly ResolvedPredicate[],
  table: string,
): Promise<HeldValue[]> {
  return readHeldValues(stream, lookups, {
    columns: () => existingColumns(session, schema, stream.table),
    rows: (lookup) => readOnlyQuery(session, heldValuesSelect(table, stream, lookup, condition(lookup), identifier), lookup.values),
  });
}
