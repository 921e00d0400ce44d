/**
 * Opens the control-plane store: PostgreSQL when a database URL is given, otherwise embedded PGlite
 * (on disk under `dataDir`, in memory without one). Migrated before it is returned.
 */
import { ConnectorError } from '../errors';
import { ephemeralKeyRing, type KeyRing } from '../secrets';
import { openPgClient } from './pg-client';
import { openPgliteClient } from './pglite-client';
import type { SqlClient } from './sql-client';
import { sqlStore, type Store } from './store';

export type { Repositories, Store } from './store';

export interface StoreOptions {
  /** postgresql://… ; wins over dataDir. */
  databaseUrl?: string;
  /** PGlite's data folder; omitted: in memory (tests). */
  dataDir?: string;
  /**
   * Encrypts the connectors' credentials (see activities/secrets, loadKeyRing). Required when the
   * store outlives the process; an in-memory store without one gets a key of its own.
   */
  secrets?: KeyRing;
}

export function openSqlClient(options: StoreOptions): Promise<SqlClient> {
  return options.databaseUrl ? Promise.resolve(openPgClient(options.databaseUrl)) : openPgliteClient(options.dataDir);
}

/** A persistent store sealed with a throw-away key would hold credentials nobody can read after a restart. */
function keyRingFor(options: StoreOptions): KeyRing {
  if (options.secrets) return options.secrets;
  if (options.databaseUrl !== undefined || options.dataDir !== undefined) {
    throw new ConnectorError(
      'config',
      'a store on disk or on PostgreSQL needs a key ring for connector credentials: pass `secrets` (loadKeyRing)',
    );
  }
  return ephemeralKeyRing();
}

/** The repositories (`Store`), migrated. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const keys = keyRingFor(options);
  const store = sqlStore(await openSqlClient(options), keys);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
