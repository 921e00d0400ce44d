/** The customer models in DuckDB: its dialect of the shared SELECTs, and their rebuild in one transaction. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { castTo, rebuildStatements, standardPosition, type DerivedTable, type QueryDialect } from '../derived';
import { qualifiedName } from '../sql';
import { COLUMN_TYPES } from './tables';

export const duckdbDialect = (schema: string): QueryDialect => ({
  table: (name) => qualifiedName(schema, name),
  // timezone('UTC', …) gives the wall time in UTC, whatever the session's TimeZone setting.
  utcDate: (instant) => `CAST(timezone('UTC', ${instant}) AS DATE)`,
  jsonText: (json, field) => `json_extract_string(${json}, '$.${field}')`,
  listOf: (text) => `string_agg(DISTINCT ${text}, ', ' ORDER BY ${text})`,
  cast: castTo(COLUMN_TYPES),
  position: standardPosition,
});

export async function materialise(connection: DuckDBConnection, schema: string, tables: readonly DerivedTable[]): Promise<void> {
  const dialect = duckdbDialect(schema);
  await connection.run('BEGIN TRANSACTION');
  try {
    for (const table of tables) {
      for (const statement of rebuildStatements(table, dialect, COLUMN_TYPES)) await connection.run(statement);
    }
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
