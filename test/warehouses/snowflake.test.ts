/**
 * Snowflake through the real snowflake-sdk against the local simulator (simulators/snowflake), which
 * runs the SQL it receives in DuckDB: the shared conformance suite, then what is Snowflake's own —
 * bind arrays for small batches and PUT + COPY INTO for large ones, clustering by customer,
 * key-pair login, and a refused password failing fast as an auth error.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { snowflakeWarehouse } from '../../activities/warehouses/snowflake';
import type { DestinationConfigOf } from '../../activities/warehouses/types';
import { SIMULATOR_USER, type SnowflakeSimulator, startSnowflakeSimulator } from '../../simulators/snowflake/server';
import { describeWarehouseConformance } from './conformance';
import { BatchFactory, people, person } from './fixtures';
import { snowflakeAt } from './simulated';

type SnowflakeConfig = DestinationConfigOf<'snowflake'>;

const KEY_PAIR_USER = 'loader_bot';
const keyPair = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

let simulator: SnowflakeSimulator;
let root: string;
let schemas = 0;

beforeAll(async () => {
  simulator = await startSnowflakeSimulator({
    users: [SIMULATOR_USER, { name: KEY_PAIR_USER, publicKey: keyPair.publicKey }],
  });
  root = await mkdtemp(path.join(tmpdir(), 'ih-snowflake-'));
});
afterAll(async () => {
  await simulator.stop();
  await rm(root, { recursive: true, force: true });
});

function configFor(schema: string, changes: Partial<SnowflakeConfig> = {}): SnowflakeConfig {
  return snowflakeAt(simulator, { schema, stageThresholdRows: 5, ...changes });
}

const freshSchema = (): string => `conformance_${++schemas}`;

/** The suite over one load path: every conformance batch has fewer than 5 rows and more than 1. */
function describeConformanceWith(stageThresholdRows: number): void {
  describeWarehouseConformance({
    plugin: snowflakeWarehouse,
    async freshDestination() {
      const schema = freshSchema();
      return { config: configFor(schema, { stageThresholdRows }), dataDir: root, schema };
    },
    // The simulator's sessions outlive their HTTP connections: end the killed client's session, as Snowflake would.
    afterLoadKilled: async () => void (await simulator.endSessions()),
  });
}

describe('small batches: bind arrays', () => describeConformanceWith(5));
describe('large batches: PUT + COPY INTO', () => describeConformanceWith(1));

describe('snowflake warehouse', () => {
  const batches = (): BatchFactory => new BatchFactory(path.join(root, 'staging'));
  const statementsLike = (pattern: RegExp): string[] => simulator.statements().filter((sql) => pattern.test(sql));

  test('a batch of up to stageThresholdRows rows is bound as arrays; a larger one is PUT to a stage and copied', async () => {
    const schema = freshSchema();
    const warehouse = await snowflakeWarehouse.connect(configFor(schema, { stageThresholdRows: 3 }), { dataDir: root });
    try {
      await warehouse.ensureTable(people);
      simulator.clearStatements();
      await warehouse.load(await batches().batch([person('p1'), person('p2'), person('p3')]));
      expect(statementsLike(/^INSERT INTO "_IH_BATCH" \(.*"ID".*\) VALUES \(\?(, \?)+\)$/)).toHaveLength(1);
      expect(statementsLike(/^(PUT|COPY)\b/)).toEqual([]);

      simulator.clearStatements();
      const large = await batches().batch([person('p4'), person('p5'), person('p6'), person('p7')]);
      expect(await warehouse.load(large)).toMatchObject({ merged: 4, alreadyLoaded: false });
      expect(statementsLike(/^PUT 'file:\/\/.*\.ndjson' @"_IH_STAGE"/)).toHaveLength(1);
      expect(statementsLike(/^COPY INTO "_IH_BATCH" FROM @"_IH_STAGE"[\s\S]*MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE/)).toHaveLength(1);
      expect(statementsLike(/^INSERT INTO "_IH_BATCH"/)).toEqual([]);

      const ids = await warehouse.query(`select id from ${schema}.${people.table} order by id`);
      expect(ids.map((row) => row.id)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
    } finally {
      await warehouse.close();
    }
  });

  test('a stream table is clustered by customer ID; a stream without one is not clustered', async () => {
    const schema = freshSchema();
    const withoutCustomer = { ...people, table: 'no_customer', columns: people.columns.filter((c) => c.name !== 'customer_id') };
    const warehouse = await snowflakeWarehouse.connect(configFor(schema), { dataDir: root });
    try {
      await warehouse.ensureTable(people);
      await warehouse.ensureTable(withoutCustomer);
    } finally {
      await warehouse.close();
    }
    const clustered = simulator.clustering().filter((c) => c.table.startsWith(`"${schema.toUpperCase()}".`));
    expect(clustered).toEqual([{ table: `"${schema.toUpperCase()}"."CONFORMANCE_PERSON"`, clusterBy: '"CUSTOMER_ID"' }]);
  });

  test('key-pair login signs a JWT the account verifies; a key it does not know is refused as an auth error', async () => {
    const passphrase = 'correct horse battery staple';
    const encrypted = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
    });
    const keyPairSimulator = await startSnowflakeSimulator({ users: [{ name: KEY_PAIR_USER, publicKey: encrypted.publicKey }] });
    const config = (auth: SnowflakeConfig['auth']): SnowflakeConfig => ({
      ...configFor('key_pair'),
      accessUrl: keyPairSimulator.url,
      username: KEY_PAIR_USER,
      auth,
    });
    try {
      const warehouse = await snowflakeWarehouse.connect(config({ type: 'key-pair', privateKey: encrypted.privateKey, passphrase }), {
        dataDir: root,
      });
      expect(await warehouse.query('select 1 as one')).toEqual([{ one: 1 }]);
      await warehouse.close();

      await expect(
        snowflakeWarehouse.connect(config({ type: 'key-pair', privateKey: keyPair.privateKey }), { dataDir: root }),
      ).rejects.toMatchObject({ category: 'auth' });
    } finally {
      await keyPairSimulator.stop();
    }
  });

  test('a wrong password fails fast as an auth error that does not repeat the password', async () => {
    const password = 'not-the-password-123';
    const started = Date.now();
    const failure = snowflakeWarehouse.connect(configFor('any', { auth: { type: 'password', password } }), { dataDir: root });

    await expect(failure).rejects.toMatchObject({ category: 'auth', message: expect.stringContaining('390100') });
    await expect(failure).rejects.not.toThrow(password);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('without credentials in the connector, the worker environment provides them; with none anywhere, a config error says what to do', async () => {
    const { auth: _omitted, ...withoutAuth } = configFor('env_credentials');
    process.env.SNOWFLAKE_PASSWORD = SIMULATOR_USER.password;
    try {
      const warehouse = await snowflakeWarehouse.connect(withoutAuth, { dataDir: root });
      expect(await warehouse.query('select 1 as one')).toEqual([{ one: 1 }]);
      await warehouse.close();
    } finally {
      delete process.env.SNOWFLAKE_PASSWORD;
    }
    await expect(snowflakeWarehouse.connect(withoutAuth, { dataDir: root })).rejects.toMatchObject({
      category: 'config',
      message: expect.stringContaining('set SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY'),
    });
  });

  test('an account that cannot be reached fails as a transient error, for the activity to retry', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const port = typeof address === 'object' && address ? address.port : 0;

    await expect(
      snowflakeWarehouse.connect(configFor('any', { accessUrl: `http://127.0.0.1:${port}` }), { dataDir: root }),
    ).rejects.toMatchObject({ category: 'transient' });
  });

  test('query runs read-only statements only', async () => {
    const schema = freshSchema();
    const warehouse = await snowflakeWarehouse.connect(configFor(schema), { dataDir: root });
    try {
      await warehouse.ensureTable(people);
      await warehouse.load(await batches().batch([person('p1')]));
      await expect(warehouse.query(`delete from ${schema}.${people.table}`)).rejects.toMatchObject({ category: 'config' });
      expect(await warehouse.query(`select count(*) as n from ${schema}.${people.table}`)).toEqual([{ n: 1 }]);
    } finally {
      await warehouse.close();
    }
  });
});
