/**
 * Snowflake through the real snowflake-sdk against the local simulator (simulators/snowflake), which
 * runs the SQL it receives in DuckDB: the shared conformance suite, then what is Snowflake's own —
 * bind arrays for small batches and PUT + COPY INTO for large ones, clustering by customer,
 * key-pair login, and a refused password failing fast as an auth error.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { snowflakeWarehouse } from '../../activities/warehouses/snowflake';
import type { DestinationConfigOf } from '../../activities/warehouses/types';
import { SIMULATOR_USER, type SnowflakeSimulator, startSnowflakeSimulator } from '../../simulators/snowflake/server';
import { describeWarehouseConformance } from './conformance';
import { BatchFactory, people, person } from './fixtures';

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
  return {
    kind: 'snowflake',
    account: simulator.account,
    accessUrl: simulator.url,
    username: SIMULATOR_USER.name,
    auth: { type: 'password', password: SIMULATOR_USER.password },
    warehouse: 'LOAD_WH',
    database: 'INSIGHT_HUB',
    schema,
    stageThresholdRows: 5,
    ...changes,
  };
}

const freshSchema = (): string => `conformance_${++schemas}`;

describeWarehouseConformance({
  plugin: snowflakeWarehouse,
  async freshDestination() {
    const schema = freshSchema();
    return { config: configFor(schema), dataDir: root, schema };
  },
  // The simulator's sessions outlive their HTTP connections: end the killed client's session, as Snowflake would.
  afterLoadKilled: async () => void (await simulator.endSessions()),
});
