/** The customer models in PostgreSQL: its dialect of the shared SELECTs, and their rebuild in one transaction. */
import type { PoolClient } from 'pg';
import { castTo, rebuildStatements, standardPosition, type DerivedTable, type QueryDialect } from '../derived';
import { qualifiedName } from '../sql';
import { COLUMN_TYPES } from './tables';

export const postgresDialect = (schema: string): QueryDialect => ({
  table: (name) => qualifiedName(schema, name),
  utcDate: (instant) => `CAST((${instant}) AT TIME ZONE 'UTC' AS DATE)`,
  jsonText: (json, field) => `(${json} ->> '${field}')`,
  listOf: (text) => `string_agg(DISTINCT ${text}, ', ' ORDER BY ${text})`,
  cast: castTo(COLUMN_TYPES),
  position: standardPosition,
});

/** Runs inside the caller's transaction. */
export async function materialise(client: PoolClient, schema: string, tables: readonly DerivedTable[]): Promise<void> {
  const dialect = postgresDialect(schema);
  for (const table of tables) {
    for (const statement of rebuildStatements(table, dialect, COLUMN_TYPES)) await client.query(statement);
  }
}
