/** SqlClient over a PostgreSQL server, through a pg connection pool. */
import { Pool, type PoolClient } from 'pg';
import { logger } from '../logger';
import { pgTransaction } from '../pg-transaction';
import type { SqlClient, SqlExecutor, SqlParam } from './sql-client';

function executor(target: Pool | PoolClient): SqlExecutor {
  return {
    async query(sql: string, params: readonly SqlParam[] = []): Promise<unknown[]> {
      const result = await target.query(sql, [...params]);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      // Without parameters pg uses the simple query protocol, which accepts several statements.
      await target.query(sql);
    },
  };
}

export function openPgClient(databaseUrl: string): SqlClient {
  // JIT off: the store's statements are small, but their row estimates for a JSON array of ids
  // (`jsonb_array_elements_text`, guessed at 100 rows) push the plans past jit_above_cost, and
  // compiling them took 15–45 ms of CPU per statement, per request — 10–40 times the statement
  // itself, and what made 50 concurrent dashboard users wait seconds (bench/README.md).
  const pool = new Pool({ connectionString: databaseUrl, max: 10, options: '-c jit=off' });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', (error) => logger.warn({ err: error.message }, 'control-plane database connection lost'));
  return {
    ...executor(pool),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return pgTransaction(await pool.connect(), (client) => fn(executor(client)));
    },
    close: () => pool.end(),
  };
}
