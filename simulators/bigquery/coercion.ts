/**
 * CREATE TABLE t (a T, …) AS query: BigQuery takes a query column into a column of another type
 * only where GoogleSQL coerces implicitly (INT64 to NUMERIC or FLOAT64, NUMERIC to FLOAT64) and
 * refuses any other difference. The simulator's DuckDB statement casts (ddl.ts), which would take
 * anything, so the query's types are checked first.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeclaredColumn } from './ddl';
import { BigQueryRequestError } from './errors';
import { duckdbTypeOf, fieldTypeOf } from './types';

/** REST type names → the types BigQuery coerces them to. */
const WIDENINGS: Readonly<Record<string, readonly string[]>> = { INTEGER: ['NUMERIC', 'FLOAT'], NUMERIC: ['FLOAT'] };
const GOOGLE_SQL: Readonly<Record<string, string>> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL' };

/** The REST name of a DuckDB type; null for one BigQuery has no plain name for (NULL, arrays…): not checked. */
function restType(duckdbType: string): string | null {
  try {
    const field = fieldTypeOf(duckdbType, true);
    return field.mode === 'REPEATED' ? null : field.type;
  } catch {
    return null;
  }
}

/** Refuses, as BigQuery does, a query column whose type the column list's type does not take. */
export async function checkQueryColumnTypes(
  connection: DuckDBConnection,
  duckdbStatement: string,
  columns: readonly DeclaredColumn[],
): Promise<void> {
  // The query as the CTAS rewrite wrapped it: `FROM ((query) UNION ALL (…)) AS ih_typed(…)`.
  const query = duckdbStatement.slice(duckdbStatement.indexOf(' FROM (('));
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT *${query}`);
  reader.getRowObjectsJS().forEach((row, i) => {
    const column = columns[i];
    const from = restType(String(row.column_type));
    const to = column ? restType(duckdbTypeOf(column.type)) : null;
    if (!column || !from || !to || from === to || WIDENINGS[from]?.includes(to)) return;
    const name = (type: string): string => GOOGLE_SQL[type] ?? type;
    throw BigQueryRequestError.invalidQuery(
      `Query column ${i + 1} has type ${name(from)} which cannot be inserted into column ${column.name}, which has type ${name(to)}`,
    );
  });
}
