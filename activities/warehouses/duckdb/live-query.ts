/**
 * An analyst's statement on the embedded DuckDB, through the instance the product's process already
 * holds (connection.ts): the file is never opened a second time, so reading it needs no stop. A READ
 * ONLY transaction on its own connection, unqualified names resolved in the destination's schema,
 * and the connection interrupted when the timeout passes.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { limitedResult, limitedStatement, LiveQueryTimeout, type LiveQueryLimits, type LiveQueryResult } from '../live-query';
import type { LiveQueryParams } from '../live-query';
import { quoteLiteral } from '../sql';
import { plainRows, toDuckDBValue } from './values';

export async function liveQuery(
  connection: DuckDBConnection,
  schema: string,
  sql: string,
  { maxRows, timeoutMs }: LiveQueryLimits,
  params: LiveQueryParams = [],
): Promise<LiveQueryResult> {
  // SESSION: this connection only; a plain SET of search_path would change it for the whole instance.
  await connection.run(`SET SESSION search_path = ${quoteLiteral(schema)}`);
  await connection.run('BEGIN TRANSACTION READ ONLY');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, timeoutMs);
  try {
    const { columns, rows } = await plainRows(await connection.run(limitedStatement(sql, maxRows), params.map(toDuckDBValue)));
    return limitedResult(rows, maxRows, columns);
  } catch (error) {
    throw timedOut ? new LiveQueryTimeout(timeoutMs) : error;
  } finally {
    clearTimeout(timer);
    await connection.run('ROLLBACK');
  }
}
