/** Runs a statement and checks every row it returns against a zod schema. */
import type { z } from 'zod';
import type { SqlExecutor, SqlParam } from './sql-client';

export async function rowsOf<S extends z.ZodType>(
  db: SqlExecutor,
  schema: S,
  sql: string,
  params: readonly SqlParam[] = [],
): Promise<z.infer<S>[]> {
  const rows = await db.query(sql, params);
  return rows.map((row) => schema.parse(row));
}
