/**
 * The customer models in Snowflake: its dialect of the shared SELECTs, and their rebuild. Snowflake
 * commits every DDL statement on its own, so a rebuild is not one transaction here: each model is
 * dropped, created and filled in turn, and the recorded fingerprints are written last — a refresh
 * cut short leaves them stale, and the next refresh rebuilds those models again.
 */
import { castTo, rebuildStatements, standardPosition, type DerivedTable, type QueryDialect } from '../derived';
import type { SnowflakeSession } from './connection';
import { COLUMN_TYPES, identifier, tableName } from './names';

export const snowflakeDialect = (schema: string): QueryDialect => ({
  table: (name) => tableName(schema, name),
  // The plug-in's sessions run in UTC (connection.ts), so every instant it loaded carries a UTC offset: its date is the UTC day.
  utcDate: (instant) => `CAST(${instant} AS DATE)`,
  jsonText: (json, field) => `JSON_EXTRACT_PATH_TEXT(CAST(${json} AS VARCHAR), '${field}')`,
  // LISTAGG takes no DISTINCT with WITHIN GROUP in every engine; an array says the same. NULLIF: no values, no list.
  listOf: (text) => `NULLIF(ARRAY_TO_STRING(ARRAY_SORT(ARRAY_AGG(DISTINCT ${text})), ', '), '')`,
  cast: castTo(COLUMN_TYPES),
  position: standardPosition,
});

export async function materialise(session: SnowflakeSession, schema: string, tables: readonly DerivedTable[]): Promise<void> {
  const dialect = snowflakeDialect(schema);
  for (const table of tables) {
    for (const statement of rebuildStatements(table, dialect, COLUMN_TYPES, identifier)) await session.execute(statement);
  }
}
