/** Read-only SQL for verification and analysis, with parameters bound by pg. */
import type { Pool } from 'pg';
import { inTransaction } from './connection';

type Parameter = string | number | boolean | bigint | Date | null;

function toParameter(value: unknown, index: number): Parameter {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
  }
  throw new TypeError(`query parameter ${index + 1} must be a string, number, bigint, boolean, Date or null`);
}

/** The interface promises read-only SQL; a READ ONLY transaction has PostgreSQL enforce it. */
export function readOnlyQuery(pool: Pool, sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
  return inTransaction(pool, async (client) => (await client.query<Record<string, unknown>>(sql, params.map(toParameter))).rows, {
    readOnly: true,
  });
}
