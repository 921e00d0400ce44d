/** The customer models in Redshift: its dialect of the shared SELECTs, and their rebuild in one BatchExecuteStatement (one transaction). */
import { castTo, rebuildStatements, standardPosition, type DerivedTable, type QueryDialect } from '../derived';
import { qualifiedName } from '../sql';
import type { DataApi } from './connection';
import { COLUMN_TYPES } from './tables';

export const redshiftDialect = (schema: string): QueryDialect => ({
  table: (name) => qualifiedName(schema, name),
  utcDate: (instant) => `CAST((${instant}) AT TIME ZONE 'UTC' AS DATE)`,
  // JSON columns are SUPER: serialised, then read as JSON text.
  jsonText: (json, field) => `JSON_EXTRACT_PATH_TEXT(JSON_SERIALIZE(${json}), '${field}')`,
  listOf: (text) => `NULLIF(LISTAGG(DISTINCT ${text}, ', ') WITHIN GROUP (ORDER BY ${text}), '')`,
  cast: castTo(COLUMN_TYPES),
  position: standardPosition,
});

export async function materialise(api: DataApi, schema: string, tables: readonly DerivedTable[]): Promise<void> {
  const dialect = redshiftDialect(schema);
  await api.batch(
    tables.flatMap((table) => rebuildStatements(table, dialect, COLUMN_TYPES)),
    undefined,
    'rebuild the customer models',
  );
}
