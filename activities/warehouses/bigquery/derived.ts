/**
 * The customer models in BigQuery: its dialect of the shared SELECTs, and their rebuild. A
 * multi-statement transaction refuses DDL on permanent tables, so each model is replaced on its own
 * by CREATE OR REPLACE TABLE … AS SELECT (its column list types the result; readers see the old
 * table until the new one is whole), and the recorded fingerprints are written last: a refresh cut
 * short leaves them stale, and the next refresh rebuilds those models again.
 */
import { castTo, type DerivedTable, type QueryDialect } from '../derived';
import { runSql, type Session } from './connection';
import { SQL_TYPES } from './schema';
import { quoted, tablePath } from './statements';

export const bigqueryDialect = (projectId: string, datasetId: string): QueryDialect => ({
  table: (name) => tablePath(projectId, datasetId, name),
  // BigQuery's TIMESTAMP is an instant and its default time zone UTC: the cast gives the UTC day.
  utcDate: (instant) => `CAST(${instant} AS DATE)`,
  jsonText: (json, field) => `JSON_VALUE(${json}, '$.${field}')`,
  listOf: (text) => `NULLIF(STRING_AGG(DISTINCT ${text}, ', ' ORDER BY ${text}), '')`,
  cast: castTo(SQL_TYPES),
  position: (needle, text) => `STRPOS(${text}, ${needle})`,
});

/** The statement that replaces a derived table with its SELECT's rows, typed by its column list. */
export function replaceStatement(derived: DerivedTable, dialect: QueryDialect): string {
  const columns = derived.columns.map((column) => `${quoted(column.name)} ${SQL_TYPES[column.type]}`);
  return `CREATE OR REPLACE TABLE ${dialect.table(derived.table)} (${columns.join(', ')}) AS ${derived.select(dialect)}`;
}

export async function materialise(session: Session, tables: readonly DerivedTable[]): Promise<void> {
  const dialect = bigqueryDialect(session.projectId, session.datasetId);
  for (const table of tables) await runSql(session, { sql: replaceStatement(table, dialect) }, `rebuild ${table.table}`);
}
