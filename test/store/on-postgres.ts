/**
 * Tests that need PostgreSQL (scripts/postgres.sh): declared when it can be started, each with fresh
 * databases of their own; skipped, saying why, when it cannot, except in CI, which requires it.
 */
import { createFreshDatabase, startPostgres, type FreshDatabase } from './postgres';

/** Declares `body`'s tests in a describe block named `what`; the databases it asks for are dropped after them. */
export function describeOnPostgres(what: string, body: (freshDatabaseUrl: () => Promise<string>) => void): void {
  const postgres = startPostgres();
  if (postgres.available) {
    describe(what, () => {
      const databases: FreshDatabase[] = [];
      afterAll(async () => {
        for (const database of databases) await database.drop();
      });
      body(async () => {
        const database = await createFreshDatabase(postgres.adminUrl);
        databases.push(database);
        return database.url;
      });
    });
  } else if (process.env.CI === 'true') {
    test(`${what}: PostgreSQL is reachable in CI`, () => {
      throw new Error(`scripts/postgres.sh could not start PostgreSQL, which CI requires: ${postgres.reason}`);
    });
  } else {
    console.warn(
      `Skipping "${what}": scripts/postgres.sh could not start PostgreSQL (${postgres.reason}). ` +
        '.ci/run starts it; locally run `bash scripts/postgres.sh` to see why.',
    );
    describe.skip(`${what} (skipped: PostgreSQL could not be started)`, () => {
      test('skipped: PostgreSQL could not be started', () => undefined);
    });
  }
}
