/** A stream table's rows picked by a checked predicate, its values bound as named query parameters (@p0…). */
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { heldValuesSelect } from '../held-values';
import type { MatchingRows } from '../matching-rows';
import { valueTypes, type ResolvedPredicate } from '../predicate';
import { predicateCondition } from '../sql';
import { runSql, type Session, type SqlRequest } from './connection';
import { deleteScript, quoted } from './statements';
import { readTable } from './tables';

/**
 * The parameter type each column type is compared through. Dates and timestamps travel as their
 * ISO text and are cast in SQL, the one form every client library and BigQuery agree on.
 */
const PARAMETER_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'STRING',
  integer: 'INT64',
  number: 'FLOAT64',
  boolean: 'BOOL',
  date: 'STRING',
  timestamp: 'STRING',
  json: 'STRING',
};

function placeholder(position: number, type: ColumnType): string {
  const parameter = `@p${position}`;
  if (type === 'date') return `CAST(${parameter} AS DATE)`;
  if (type === 'timestamp') return `CAST(${parameter} AS TIMESTAMP)`;
  return parameter;
}

/** The statement `sql` makes of the predicate's condition, with the predicate's values as its parameters. */
function bound(predicate: ResolvedPredicate, sql: (condition: string) => string): SqlRequest {
  const names = predicate.values.map((_, i) => `p${i}`);
  const types = valueTypes(predicate);
  return {
    sql: sql(predicateCondition(predicate, placeholder, quoted)),
    params: Object.fromEntries(names.map((name, i) => [name, predicate.values[i]])),
    types: Object.fromEntries(names.map((name, i) => [name, PARAMETER_TYPES[types[i] ?? predicate.type]])),
  };
}

/** `table` is the stream's table by its full path. */
export function matchingRows(session: Session, stream: StreamDefinition, table: string): MatchingRows {
  return {
    columns: async () => new Set((await readTable(session, stream.table))?.schema.fields.map((field) => field.name)),
    delete: async (predicate) => {
      const request = bound(predicate, (condition) => deleteScript(table, condition));
      const [row] = await runSql(session, request, `deleting rows of ${stream.table} by ${predicate.column}`);
      return Number(row?.deleted ?? 0);
    },
    selectHeld: (lookup) => {
      const request = bound(lookup, (condition) => heldValuesSelect(table, stream, lookup, condition, quoted));
      return runSql(session, request, `looking up ${lookup.column} values in ${stream.table}`);
    },
  };
}
