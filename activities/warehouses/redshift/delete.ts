/** Deleting a stream's rows by a checked predicate, for retention and erasure. */
import type { StreamDefinition } from '../../../domain/streams/types';
import type { ResolvedPredicate } from '../predicate';
import { predicateCondition, qualifiedName, quoteLiteral } from '../sql';
import type { DataApi } from './connection';
import { COLUMN_TYPES, existingColumns } from './tables';

export async function deleteRows(
  api: DataApi,
  schema: string,
  stream: StreamDefinition,
  predicate: ResolvedPredicate,
): Promise<number> {
  // A table not made yet, or a column it has not gained yet, holds no matching row.
  const columns = await existingColumns(api, schema, stream.table);
  if (!columns.has(predicate.column)) return 0;
  const { condition, parameters } = boundCondition(predicate);
  return api.execute(
    `DELETE FROM ${qualifiedName(schema, stream.table)} WHERE ${condition}`,
    parameters,
    `delete from ${schema}.${stream.table} where ${predicate.column} ${predicate.op} …`,
  );
}

/** The predicate's condition with its values as Data API parameters (`:d0`…), cast to the column's type. */
export function boundCondition(predicate: ResolvedPredicate): { condition: string; parameters: Record<string, string> } {
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
