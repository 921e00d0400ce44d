/**
 * Read-only SQL against Snowflake, rows as plain JSON-safe objects: folded (upper-case) column
 * names as written in lower case, dates as YYYY-MM-DD, timestamps as ISO-8601 UTC, whole numbers
 * exact, semi-structured values parsed.
 */
import { ConnectorError } from '../../errors';
import { plainInteger } from '../sql';
import { streamName } from './names';
import type { Bind, SnowflakeSession } from './connection';

/**
 * Snowflake has no read-only transaction, so the statement's kind is checked instead: one statement
 * per request is all Snowflake runs (MULTI_STATEMENT_COUNT = 1), and it must be a query.
 */
const READ_ONLY = /^\s*(\(\s*)*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN)\b/i;

function toBind(value: unknown, index: number): Bind {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new TypeError(`query parameter ${index + 1} must be a string, number, bigint, boolean, Date or null`);
}

function plainValue(value: unknown, type: string): unknown {
  if (value instanceof Date) return type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
  if (typeof value === 'bigint') return plainInteger(value);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

export async function readOnlyQuery(
  session: SnowflakeSession,
  sql: string,
  params: readonly unknown[],
): Promise<Record<string, unknown>[]> {
  if (!READ_ONLY.test(sql)) {
    throw new ConnectorError('config', 'query runs read-only SQL: a SELECT, WITH, SHOW, DESCRIBE or EXPLAIN statement');
  }
  const { columns, rows } = await session.execute(sql, params.map(toBind));
  return rows.map((row) => Object.fromEntries(columns.map(({ name, type }, i) => [streamName(name), plainValue(row[i] ?? null, type)])));
}
