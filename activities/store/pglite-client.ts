/** SqlClient over embedded PGlite: a data folder on disk, or in memory when none is given. */
import path from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import type { SqlClient, SqlExecutor, SqlParam } from './sql-client';

function executor(target: PGlite | Transaction): SqlExecutor {
  return {
    async query(sql: string, params: readonly SqlParam[] = []): Promise<unknown[]> {
      const result = await target.query<unknown>(sql, [...params]);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

export async function openPgliteClient(folder?: string): Promise<SqlClient> {
  const dataDir = folder === undefined ? undefined : path.resolve(folder);
  const release = dataDir === undefined ? async () => undefined : await lockDataDir(dataDir);
  try {
    // Imported lazily: a deployment on PostgreSQL never loads the WebAssembly build.
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(dataDir);
    return {
      ...executor(db),
      transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => db.transaction((tx) => fn(executor(tx))),
      async close() {
        await db.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
