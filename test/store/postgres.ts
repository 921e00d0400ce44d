/**
 * The PostgreSQL half of the store suite: a server from scripts/postgres.sh and, per test file, a
 * fresh database of its own so that parallel files never see each other's rows.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createDatabase, type FreshDatabase } from '../../simulators/fresh-database';

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

export type { FreshDatabase };

/** A database of the test file's own on the server. */
export const createFreshDatabase = (adminUrl: string): Promise<FreshDatabase> => createDatabase(adminUrl, 'store_test');
