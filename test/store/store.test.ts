/**
 * One suite, two engines: embedded PGlite (in memory) and PostgreSQL (scripts/postgres.sh, a fresh
 * database per use). Then what only one engine can show: concurrent migrations on PostgreSQL,
 * persistence across a reopen on disk for PGlite.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openSqlClient, openStore } from '../../activities/store';
import { migrate, readMigrations } from '../../activities/store/migrate';
import { loadKeyRing, parseKeyRing } from '../../activities/secrets';
import { keyEntry } from '../secrets/fixtures';
import { countOf, openHarness, storeSuite } from './contract';
import { connectorInput, newUserId } from './fixtures';
import { describeOnPostgres } from './on-postgres';

storeSuite('PGlite (in memory)', () => openHarness({}));

const quietLog = { info: () => undefined, warn: () => undefined };

describeOnPostgres('PostgreSQL', (freshDatabase) => {
  storeSuite('PostgreSQL', async () => openHarness({ databaseUrl: await freshDatabase() }));

  test('two processes migrating one database at once apply each migration once', async () => {
    const url = await freshDatabase();
    const clients = await Promise.all([openSqlClient({ databaseUrl: url }), openSqlClient({ databaseUrl: url })]);
    try {
      const applied = await Promise.all(clients.map((client) => migrate(client)));
      const files = (await readMigrations()).map((m) => m.version);
      expect(applied.flat().sort()).toEqual(files);
      expect(await countOf(clients[0]!, 'SELECT count(*)::int AS count FROM schema_migrations')).toBe(files.length);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });

  test('openStore with a database URL returns a migrated store, and wants the key ring for credentials', async () => {
    const databaseUrl = await freshDatabase();
    await expect(openStore({ databaseUrl })).rejects.toThrow(/needs a key ring for connector credentials/);
    const store = await openStore({ databaseUrl, secrets: parseKeyRing(keyEntry('k1'), 'INSIGHT_HUB_SECRET_KEYS') });
    try {
      const created = await store.connectors.create(connectorInput(newUserId()));
      expect(await store.connectors.get(created.id)).toEqual(created);
    } finally {
      await store.close();
    }
  });
});

describe('PGlite on disk', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'store-pglite-')), 'control-plane');
  });
  afterAll(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  /** As the demo opens it: the key ring from DATA_DIR/keys, generated at the first start. */
  const openDemoStore = async () => {
    const secrets = await loadKeyRing({ secretKeys: undefined, dataDir: path.dirname(dataDir), databaseUrl: undefined }, quietLog);
    return openStore({ dataDir, secrets });
  };

  test('keeps its data, credentials included, across a reopen and lets one process at a time open the folder', async () => {
    await expect(openStore({ dataDir })).rejects.toThrow(/needs a key ring for connector credentials/);
    const first = await openDemoStore();
    const created = await first.connectors.create(connectorInput(newUserId()));
    await first.cursors.commit(created.id, 'contact', { value: '2024-01-01T00:00:00.000Z', lastKey: '003A' }, null);
    await expect(openDemoStore()).rejects.toThrow(/open in process/);
    await first.close();

    const reopened = await openDemoStore();
    try {
      expect(await reopened.connectors.get(created.id)).toEqual(created);
      expect(await reopened.cursors.get(created.id)).toEqual({ contact: { value: '2024-01-01T00:00:00.000Z', lastKey: '003A' } });
    } finally {
      await reopened.close();
    }
  }, 180_000); // PGlite's first start on disk runs initdb into files: the slowest step of this file.
});
