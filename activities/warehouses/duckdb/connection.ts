/**
 * One DuckDB instance per file per process: DuckDB lets one process write a file, through one
 * instance. Handles on the same file share it; the last one to close lets go of the file.
 */
import type * as DuckDB from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ConnectorError } from '../../errors';
import { lazily } from '../base';
import { DEFAULT_DUCKDB_MEMORY_LIMIT } from './memory-limit';

export type Driver = typeof DuckDB;

/** The native driver loads on first use, so processes writing elsewhere never pay for it. */
export const loadDriver: () => Promise<Driver> = lazily(() => import('@duckdb/node-api'));

export class SharedDatabase {
  users = 0;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    readonly instance: Promise<DuckDBInstance>,
  ) {}

  /** A connection per operation, closed right after: an open connection would keep the file locked. */
  async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await (await this.instance).connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  }

  /** Writes run one at a time; concurrent DuckDB transactions on the same rows would abort each other. */
  exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const result = this.writes.then(() => this.withConnection(work));
    this.writes = result.catch(() => undefined);
    return result;
  }
}

const openDatabases = new Map<string, SharedDatabase>();
const closingDatabases = new Map<string, Promise<void>>();

/** `memoryLimit` applies when this call opens the file: an instance already open keeps its own. */
export async function acquire(file: string, memoryLimit = DEFAULT_DUCKDB_MEMORY_LIMIT): Promise<SharedDatabase> {
  // A file being closed is reopened only once the old instance has let go of it.
  await closingDatabases.get(file);
  let database = openDatabases.get(file);
  if (!database) {
    database = new SharedDatabase(
      file,
      loadDriver().then((d) => d.DuckDBInstance.create(file, { memory_limit: memoryLimit })),
    );
    openDatabases.set(file, database);
  }
  database.users += 1;
  try {
    await database.instance;
    return database;
  } catch (error) {
    await release(database);
    const reason = firstLine(error);
    const hint = /lock/i.test(reason)
      ? 'DuckDB lets one process at a time open a file: stop the other process or configure another path'
      : undefined;
    throw new ConnectorError('system', `cannot open the DuckDB warehouse ${file}: ${reason}`, hint);
  }
}

export async function release(database: SharedDatabase): Promise<void> {
  database.users -= 1;
  if (database.users > 0) return;
  openDatabases.delete(database.file);
  const closed = database.instance
    .then(
      async (instance) => {
        // closeSync checkpoints on the calling thread, blocking the event loop (every activity of the
        // worker) while it writes the table and its indexes out: DuckDB's own threads do it first.
        await checkpoint(instance).catch(() => undefined);
        instance.closeSync();
      },
      () => undefined,
    )
    .finally(() => closingDatabases.delete(database.file));
  closingDatabases.set(database.file, closed);
  await closed;
}

async function checkpoint(instance: DuckDBInstance): Promise<void> {
  const connection = await instance.connect();
  try {
    await connection.run('CHECKPOINT');
  } finally {
    connection.closeSync();
  }
}

/** Checks the shape, not `instanceof Error`: errors from the native driver may come from another realm. */
export function firstLine(error: unknown): string {
  const message =
    typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : String(error);
  return message.split('\n')[0] ?? '';
}
