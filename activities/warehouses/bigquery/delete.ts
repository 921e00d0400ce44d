/** Deleting a stream's rows by a checked predicate, for retention and erasure. */
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { valueTypes, type ResolvedPredicate } from '../predicate';
import { predicateCondition } from '../sql';
import { runSql, type Session } from './connection';
import { deleteScript, quoted, tablePath } from './statements';
import { readTable } from './tables';

/**
 * The parameter type each column type is compared through. Dates and timestamps travel as their
 * ISO text and are cast in SQL, the one form every client library and BigQuery agree on.
 */
export const PARAMETER_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'STRING',
  integer: 'INT64',
  number: 'FLOAT64',
  boolean: 'BOOL',
  date: 'STRING',
  timestamp: 'STRING',
  json: 'STRING',
};

export function placeholder(position: number, type: ColumnType): string {
  const parameter = `@p${position}`;
  if (type === 'date') return `CAST(${parameter} AS DATE)`;
  if (type === 'timestamp') return `CAST(${parameter} AS TIMESTAMP)`;
  return parameter;
}

export async function deleteRows(session: Session, stream: StreamDefinition, predicate: ResolvedPredicate): Promise<number> {
  // A table not made yet, or a column it has not gained yet, holds no matching row.
  const table = await readTable(session, stream.table);
  if (!table?.schema.fields.some((field) => field.name === predicate.column)) return 0;
  const condition = predicateCondition(predicate, placeholder, quoted);
  const names = predicate.values.map((_, i) => `p${i}`);
  const [row] = await runSql(
    session,
    {
      sql: deleteScript(tablePath(session.projectId, session.datasetId, stream.table), condition),
      params: Object.fromEntries(names.map((name, i) => [name, predicate.values[i]])),
      types: Object.fromEntries(names.map((name, i) => [name, PARAMETER_TYPES[valueTypes(predicate)[i] ?? predicate.type]])),
    },
    `deleting rows of ${stream.table} by ${predicate.column}`,
  );
  return Number(row?.deleted ?? 0);
}
