/**
 * The conformance suite against a real Snowflake account, over both load paths. Runs only when
 * SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_WAREHOUSE, SNOWFLAKE_DATABASE and SNOWFLAKE_PASSWORD
 * or SNOWFLAKE_PRIVATE_KEY (PEM, with SNOWFLAKE_PRIVATE_KEY_PASSPHRASE when encrypted) are set;
 * SNOWFLAKE_ROLE and SNOWFLAKE_ACCESS_URL are optional. Each test writes to a schema of its own,
 * dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { snowflakeDestinationSchema } from '../../domain/destinations';
import { snowflakeWarehouse } from '../../activities/warehouses/snowflake';
import { identifier } from '../../activities/warehouses/snowflake/names';
import { type SnowflakeDestinationConfig, SnowflakeSession } from '../../activities/warehouses/snowflake/connection';
import { describeWarehouseConformance } from './conformance';

const REQUIRED = ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER', 'SNOWFLAKE_WAREHOUSE', 'SNOWFLAKE_DATABASE'] as const;

function liveConfig(env: NodeJS.ProcessEnv): SnowflakeDestinationConfig | null {
  const privateKey = env.SNOWFLAKE_PRIVATE_KEY?.replaceAll('\\n', '\n');
  if (REQUIRED.some((name) => !env[name]) || (!env.SNOWFLAKE_PASSWORD && !privateKey)) return null;
  return snowflakeDestinationSchema.parse({
    kind: 'snowflake',
    account: env.SNOWFLAKE_ACCOUNT,
    accessUrl: env.SNOWFLAKE_ACCESS_URL,
    username: env.SNOWFLAKE_USER,
    auth: privateKey
      ? { type: 'key-pair', privateKey, passphrase: env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE }
      : { type: 'password', password: env.SNOWFLAKE_PASSWORD },
    warehouse: env.SNOWFLAKE_WAREHOUSE,
    database: env.SNOWFLAKE_DATABASE,
    role: env.SNOWFLAKE_ROLE,
  });
}

const live = liveConfig(process.env);
const schemaPrefix = (stageThresholdRows: number): string => `ih_conf_${randomBytes(4).toString('hex')}_${stageThresholdRows}`;
const schemas: string[] = [];

const describeLive = live ? describe : describe.skip;
const title = live
  ? 'snowflake live account'
  : `snowflake live account — skipped: set ${REQUIRED.join(', ')} and SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY to run`;

describeLive(title, () => {
  jest.setTimeout(300_000);

  afterAll(async () => {
    if (!live || schemas.length === 0) return;
    const session = await SnowflakeSession.open(live);
    try {
      for (const schema of schemas) await session.execute(`DROP SCHEMA IF EXISTS ${identifier(schema)} CASCADE`);
    } finally {
      await session.close();
    }
  });

  for (const [loadPath, stageThresholdRows] of [
    ['bind arrays', 10_000],
    ['PUT + COPY INTO', 1],
  ] as const) {
    describe(loadPath, () => {
      const prefix = schemaPrefix(stageThresholdRows);
      describeWarehouseConformance({
        plugin: snowflakeWarehouse,
        async freshDestination() {
          if (!live) throw new Error('no Snowflake credentials in the environment');
          const schema = `${prefix}_${schemas.length + 1}`;
          schemas.push(schema);
          return { config: { ...live, schema, stageThresholdRows }, dataDir: tmpdir(), schema };
        },
      });
    });
  }
});
