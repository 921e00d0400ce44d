/**
 * Applies migrations/NNN_name.sql in order, each recorded in schema_migrations with its checksum.
 * One transaction under an advisory lock: two processes starting at once on PostgreSQL apply each
 * migration exactly once, and a failing migration leaves the schema as it was.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { SqlClient } from './sql-client';

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** Any fixed number: the key of the advisory lock that serialises migrations. */
const MIGRATION_LOCK_KEY = 7_310_412_001;

const MIGRATION_FILE = /^\d{3}_[a-z0-9_]+\.sql$/;

interface Migration {
  version: string;
  sql: string;
  checksum: string;
}

const appliedRow = z.object({ version: z.string(), checksum: z.string() });

export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => MIGRATION_FILE.test(file)).sort();
  return Promise.all(
    files.map(async (file) => {
      const sql = await readFile(path.join(dir, file), 'utf8');
      return { version: file.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

export async function migrate(client: SqlClient, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    TEXT PRIMARY KEY,
      checksum   TEXT NOT NULL,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const applied = new Map(
      z
        .array(appliedRow)
        .parse(await tx.query('SELECT version, checksum FROM schema_migrations'))
        .map((row) => [row.version, row.checksum]),
    );
    const newlyApplied: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.version);
      if (checksum === undefined) {
        await tx.exec(migration.sql);
        await tx.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [migration.version, migration.checksum]);
        newlyApplied.push(migration.version);
      } else if (checksum !== migration.checksum) {
        throw new Error(`migration ${migration.version} was changed after it was applied; add a new migration instead of editing it`);
      }
    }
    return newlyApplied;
  });
}
