/**
 * A stream table's rows picked by a checked predicate. Each value is bound and cast to the column's
 * type, so ISO text compares as an instant, not as text.
 */
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { heldValuesSelect } from '../held-values';
import type { MatchingRows } from '../matching-rows';
import type { ResolvedPredicate } from '../predicate';
import { predicateCondition } from '../sql';
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

/**
 * `table` is the stream's table by its qualified name. `delete` runs without looking at the columns
 * first: a table never made is told by Snowflake's error, and holds nothing to delete.
 */
export function matchingRows(session: SnowflakeSession, schema: string, stream: StreamDefinition, table: string): MatchingRows {
  return {
    columns: () => existingColumns(session, schema, stream.table),
    delete: async (predicate) => {
      try {
        return (await session.execute(`DELETE FROM ${table} WHERE ${condition(predicate)}`, [...predicate.values])).changed;
      } catch (error) {
        if (hasCode(error, OBJECT_MISSING)) return 0;
        throw error;
      }
    },
    selectHeld: (lookup) => readOnlyQuery(session, heldValuesSelect(table, stream, lookup, condition(lookup), identifier), lookup.values),
  };
}
