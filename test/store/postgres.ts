/**
 * The PostgreSQL half of the store suite: a server from scripts/postgres.sh and, per test file, a
 * fresh database of its own so that parallel files never see each other's rows.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';

export type PostgresServer = { available: true; adminUrl: string } | { available: false; reason: string };

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'postgres.sh');

/**
 * The server that `npm test` started (TEST_DATABASE_URL), or one started here. Synchronous, because
 * jest decides which tests exist before any async hook runs.
 */
export function startPostgres(): PostgresServer {
  const started = process.env.TEST_DATABASE_URL;
  if (started) return { available: true, adminUrl: started };
  try {
    const out = execFileSync('bash', [SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
    const adminUrl = out.trim().split('\n').pop() ?? '';
    if (!adminUrl.startsWith('postgresql://')) return { available: false, reason: `scripts/postgres.sh printed no URL: ${out}` };
    return { available: true, adminUrl };
  } catch (error) {
    // The script's last words say why; the server log it quotes can be long.
    const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr).trim() : '';
    const reason = stderr.split('\n').slice(-6).join('\n') || String(error);
    return { available: false, reason };
  }
}

async function withAdmin<T>(adminUrl: string, fn: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createFreshDatabase(adminUrl: string): Promise<FreshDatabase> {
  const name = `store_test_${randomUUID().replace(/-/g, '')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
