/** Runs a statement and checks every row it returns against a zod schema. */
import { z } from 'zod';
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

/** The statement's first row, checked, or null when it returned none (an unknown id, a guarded UPDATE that changed nothing). */
export async function firstRowOf<S extends z.ZodType>(
  db: SqlExecutor,
  schema: S,
  sql: string,
  params: readonly SqlParam[] = [],
): Promise<z.infer<S> | null> {
  const [first] = await rowsOf(db, schema, sql, params);
  return first ?? null;
}

/** The row an INSERT … RETURNING wrote: there is always one. */
export async function insertedRow<S extends z.ZodType>(
  db: SqlExecutor,
  schema: S,
  sql: string,
  params: readonly SqlParam[] = [],
): Promise<z.infer<S>> {
  const inserted = await firstRowOf(db, schema, sql, params);
  if (inserted === null) throw new Error('INSERT … RETURNING returned no row');
  return inserted;
}

/**
 * The SELECT (or RETURNING) list of a row schema: its keys, which are the table's column names, so
 * that a column read is named once, in the schema that checks it.
 */
export function columnsOf(row: z.ZodObject | z.ZodPipe<z.ZodObject, z.ZodType>): string {
  const object = row instanceof z.ZodPipe ? row.in : row;
  return Object.keys(object.shape).join(', ');
}
