/**
 * The real PostgreSQL behind a simulator: a fresh database of its own (dropped on stop), in UTC as
 * Redshift is, with the dialect shims installed. Values come back as PostgreSQL's text, which is
 * also how the Data API spells dates, timestamps and numerics.
 */
import { Pool, type PoolClient } from 'pg';
import { createDatabase, withPgClient, type FreshDatabase } from '../fresh-database';
import { SHIMS } from './dialect';
import { toResultSet, type ResultSet } from './results';

export interface StatementOutcome {
  /** Rows returned, or rows affected; -1 when neither applies (DDL). */
  readonly resultRows: number;
  readonly resultSet: ResultSet | null;
}

const rawText = { getTypeParser: () => (text: string) => text };

export class PostgresEngine {
  private readonly backends = new WeakMap<PoolClient, number>();

  private constructor(
    private readonly database: FreshDatabase,
    private readonly pool: Pool,
    private readonly typeNames: ReadonlyMap<number, string>,
  ) {}

  /** The simulator's own database, for tests that look at it directly. */
  get databaseUrl(): string {
    return this.database.url;
  }

  static async create(adminUrl: string): Promise<PostgresEngine> {
    const database = await createDatabase(adminUrl, 'redshift_sim', { timezone: 'UTC' });
    const typeNames = await withPgClient(database.url, async (client) => {
      for (const shim of SHIMS) await client.query(shim);
      const types = await client.query<{ oid: number; typname: string }>('SELECT oid::int AS oid, typname FROM pg_type');
      return new Map(types.rows.map((row) => [row.oid, row.typname]));
    });
    const pool = new Pool({ connectionString: database.url, max: 4, types: rawText });
    // An idle session the server ended is dropped from the pool; without a listener it would crash the process.
    pool.on('error', () => undefined);
    return new PostgresEngine(database, pool, typeNames);
  }

  /** A pooled session; `backendPid` lets CancelStatement interrupt it. */
  async withSession<T>(work: (client: PoolClient, backendPid: number) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let healthy = true;
    try {
      let pid = this.backends.get(client);
      if (pid === undefined) {
        const result = await client.query<{ pid: string }>('SELECT pg_backend_pid() AS pid');
        pid = Number(result.rows[0]?.pid);
        this.backends.set(client, pid);
      }
      return await work(client, pid);
    } catch (error) {
      healthy = false;
      throw error;
    } finally {
      // A session that failed may hold an aborted transaction: discard it rather than reuse it.
      client.release(!healthy);
    }
  }

  async run(client: PoolClient, text: string, values: readonly string[]): Promise<StatementOutcome> {
    const result = await client.query({ text, values: [...values], rowMode: 'array' });
    const hasResultSet = result.fields.length > 0;
    const rows = result.rows.map((row: unknown[]) => row.map((value) => (typeof value === 'string' ? value : null)));
    return {
      resultRows: hasResultSet ? rows.length : (result.rowCount ?? -1),
      resultSet: hasResultSet ? toResultSet(result.fields, rows, this.typeNames) : null,
    };
  }

  /** On a connection of its own: the pool may be busy with the very statements being cancelled. */
  async cancel(backendPid: number): Promise<void> {
    await withPgClient(this.database.url, (client) => client.query('SELECT pg_cancel_backend($1)', [backendPid]));
  }

  async drop(): Promise<void> {
    await this.pool.end();
    await this.database.drop();
  }
}
