/** A stream table's rows picked by a checked predicate, its values bound as parameters cast to the column's type. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { heldValuesSelect } from '../held-values';
import type { MatchingRows } from '../matching-rows';
import type { ResolvedPredicate } from '../predicate';
import { predicateCondition, quoteIdentifier } from '../sql';
import { loadDriver } from './connection';
import { COLUMN_TYPES, existingColumns } from './tables';
import { plainRows, readOnlyQuery } from './values';

const placeholder = (position: number, type: ColumnType): string => `CAST($${position + 1} AS ${COLUMN_TYPES[type]})`;

/**
 * The lookups of one column as one: its values go as a single list parameter (heldValuesByList),
 * so any number of them is one statement. Planning `IN` lists of placeholders is what a lookup cost:
 * 10k values against a 90k-row table took 0.8–0.9 s as 20 statements of 500, 0.05–0.06 s as one list.
 */
export function asOneLookup(lookups: readonly ResolvedPredicate[]): ResolvedPredicate[] {
  const [first] = lookups;
  if (!first || lookups.some((l) => l.op !== 'in' || l.and !== null || l.column !== first.column || l.type !== first.type)) {
    return [...lookups];
  }
  return [{ ...first, values: lookups.flatMap((lookup) => lookup.values) }];
}

/** The list type a lookup's values bind as, by their JS type; null for a mix (never made by held-values.ts). */
function listElement(values: readonly unknown[]): 'VARCHAR' | 'DOUBLE' | 'BOOLEAN' | null {
  const kinds = new Set(values.map((value) => typeof value));
  if (kinds.size !== 1) return null;
  return kinds.has('string') ? 'VARCHAR' : kinds.has('number') ? 'DOUBLE' : kinds.has('boolean') ? 'BOOLEAN' : null;
}

/**
 * An `in` lookup's rows with its values bound as one list, each cast to the column's type as the
 * single placeholders are; null when the lookup is not one it takes.
 */
async function heldValuesByList(
  connection: DuckDBConnection,
  sqlFor: (condition: string) => string,
  lookup: ResolvedPredicate,
): Promise<Record<string, unknown>[] | null> {
  const element = lookup.op === 'in' && lookup.and === null ? listElement(lookup.values) : null;
  if (element === null) return null;
  const d = await loadDriver();
  const listType = d.LIST({ VARCHAR: d.VARCHAR, DOUBLE: d.DOUBLE, BOOLEAN: d.BOOLEAN }[element]);
  const condition = `${quoteIdentifier(lookup.column)} IN (SELECT unnest(CAST($1 AS ${COLUMN_TYPES[lookup.type]}[])))`;
  // Read-only as every other read of a stream table here (readOnlyQuery).
  await connection.run('BEGIN TRANSACTION READ ONLY');
  try {
    return (await plainRows(await connection.run(sqlFor(condition), [d.listValue([...lookup.values])], [listType]))).rows;
  } finally {
    await connection.run('ROLLBACK');
  }
}

/** `table` is the stream's table by its qualified name. */
export function matchingRows(connection: DuckDBConnection, schema: string, stream: StreamDefinition, table: string): MatchingRows {
  return {
    columns: () => existingColumns(connection, schema, stream.table),
    delete: async (predicate) => {
      const sql = `DELETE FROM ${table} WHERE ${predicateCondition(predicate, placeholder)}`;
      return (await connection.run(sql, [...predicate.values])).rowsChanged;
    },
    selectHeld: async (lookup) =>
      (await heldValuesByList(connection, (condition) => heldValuesSelect(table, stream, lookup, condition), lookup)) ??
      readOnlyQuery(connection, heldValuesSelect(table, stream, lookup, predicateCondition(lookup, placeholder)), lookup.values),
  };
}
