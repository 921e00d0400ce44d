/**
 * Opens the control-plane store: PostgreSQL when a database URL is given, otherwise embedded PGlite
 * (on disk under `dataDir`, in memory without one). Migrated before it is returned.
 */
import { openPgClient } from './pg-client';
import { openPgliteClient } from './pglite-client';
import type { SqlClient } from './sql-client';
import { SqlControlPlaneStore } from './sql-store';
import type { ControlPlaneStore } from './types';

export interface StoreOptions {
  /** postgresql://… ; wins over dataDir. */
  databaseUrl?: string;
  /** PGlite's data folder; omitted: in memory (tests). */
  dataDir?: string;
}

export function openSqlClient(options: StoreOptions): Promise<SqlClient> {
  return options.databaseUrl ? Promise.resolve(openPgClient(options.databaseUrl)) : openPgliteClient(options.dataDir);
}

export async function openSqlStore(options: StoreOptions): Promise<SqlControlPlaneStore> {
  const store = new SqlControlPlaneStore(await openSqlClient(options));
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export async function openStore(options: { databaseUrl?: string; dataDir?: string }): Promise<ControlPlaneStore> {
  return openSqlStore(options);
}
