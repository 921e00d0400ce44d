/** A stream table's rows picked by a checked predicate, its values bound as Data API parameters cast to the column's type. */
import type { StreamDefinition } from '../../../domain/streams/types';
import { heldValuesSelect } from '../held-values';
import type { MatchingRows } from '../matching-rows';
import type { ResolvedPredicate } from '../predicate';
import { predicateCondition, quoteLiteral } from '../sql';
import type { DataApi } from './connection';
import { COLUMN_TYPES, existingColumns } from './tables';
import { plainRows } from './values';

/** The predicate's condition with its values as Data API parameters (`:d0`…), cast to the column's type. */
function boundCondition(predicate: ResolvedPredicate): { condition: string; parameters: Record<string, string> } {
  const parameters: Record<string, string> = {};
  const condition = predicateCondition(predicate, (position, type) => {
    const text = String(predicate.values[position]);
    // The Data API binds no empty string: that one value is written as a literal.
    const value = text === '' ? quoteLiteral(text) : `:d${position}`;
    if (text !== '') parameters[`d${position}`] = text;
    return type === 'string' ? value : `CAST(${value} AS ${COLUMN_TYPES[type]})`;
  });
  return { condition, parameters };
}

/** `table` is the stream's table by its qualified name. */
export function matchingRows(api: DataApi, schema: string, stream: StreamDefinition, table: string): MatchingRows {
  return {
    columns: () => existingColumns(api, schema, stream.table),
    delete: (predicate) => {
      const { condition, parameters } = boundCondition(predicate);
      const what = `delete from ${schema}.${stream.table} where ${predicate.column} ${predicate.op} …`;
      return api.execute(`DELETE FROM ${table} WHERE ${condition}`, parameters, what);
    },
    selectHeld: async (lookup) => {
      const { condition, parameters } = boundCondition(lookup);
      const sql = heldValuesSelect(table, stream, lookup, condition);
      return plainRows(await api.select(sql, parameters, `look up ${lookup.column} values in ${schema}.${stream.table}`));
    },
  };
}
