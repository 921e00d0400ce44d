/**
 * An analyst's statement on a PostgreSQL warehouse, on its own pooled connection: a READ ONLY
 * transaction, statement_timeout and search_path set for it alone (SET LOCAL), so PostgreSQL itself
 * refuses writes and cancels a statement that runs too long.
 */
import type { Pool } from 'pg';
import {
  limitedResult,
  limitedStatement,
  LiveQueryTimeout,
  type LiveQueryLimits,
  type LiveQueryParams,
  type LiveQueryResult,
} from '../live-query';
import { quoteIdentifier } from '../sql';
import { inTransaction } from './connection';

/** SQLSTATE query_canceled: what statement_timeout raises. */
const QUERY_CANCELED = '57014';

const isCancelled = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === QUERY_CANCELED;

/**
 * More params than placeholders: PostgreSQL answers with a protocol violation (08P01), which would
 * read as a lost connection. It is the caller's statement: SQLSTATE 07001, the parameters do not match.
 */
function unmatchedParams(error: unknown, given: number): unknown {
  const message = error instanceof Error ? error.message : '';
  if (!(typeof error === 'object' && error !== null && 'code' in error && error.code === '08P01' && /bind message/.test(message))) {
    return error;
  }
  return Object.assign(new Error(`the statement's placeholders do not match the ${given} params given (${message})`), { code: '07001' });
}

export function liveQuery(
  pool: Pool,
  schema: string,
  sql: string,
  { maxRows, timeoutMs }: LiveQueryLimits,
  params: LiveQueryParams = [],
): Promise<LiveQueryResult> {
  return inTransaction(
    pool,
    async (client) => {
      await client.query(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
      await client.query(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
      try {
        const result = await client.query<Record<string, unknown>>(limitedStatement(sql, maxRows), [...params]);
        return limitedResult(
          result.rows,
          maxRows,
          result.fields.map((field) => field.name),
        );
      } catch (error) {
        throw isCancelled(error) ? new LiveQueryTimeout(timeoutMs) : unmatchedParams(error, params.length);
      }
    },
    { readOnly: true },
  );
}
