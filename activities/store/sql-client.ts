/**
 * The little the store needs from a PostgreSQL connection, so one store implementation serves both
 * embedded PGlite and a PostgreSQL server.
 */

export type SqlParam = string | number | boolean | null;

export interface SqlExecutor {
  /** One statement with $1… parameters; rows come back unparsed, for zod to check. */
  query(sql: string, params?: readonly SqlParam[]): Promise<unknown[]>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
