/** Retention and erasure: a checked predicate as a DELETE with bound, typed values. */
import type { StreamDefinition } from '../../../domain/streams/types';
import type { ResolvedPredicate } from '../predicate';
import { predicateCondition } from '../sql';
import { COLUMN_TYPES, identifier, tableName } from './names';
import type { SnowflakeSession } from './connection';

/** Snowflake's code for an object that does not exist (or that the role may not see). */
const OBJECT_MISSING = '002003';

const hasCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && String(error.code) === code;

export async function deleteRows(
  session: SnowflakeSession,
  schema: string,
  stream: StreamDefinition,
  predicate: ResolvedPredicate,
): Promise<number> {
  // Each value is cast to the column's type: ISO text compares as an instant, not as text.
  const condition = predicateCondition(predicate, (_, type) => `?::${COLUMN_TYPES[type]}`, identifier);
  try {
    const table = tableName(schema, stream.table);
    return (await session.execute(`DELETE FROM ${table} WHERE ${condition}`, [...predicate.values])).changed;
  } catch (error) {
    // A table never made holds nothing to delete.
    if (hasCode(error, OBJECT_MISSING)) return 0;
    throw error;
  }
}
