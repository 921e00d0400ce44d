/**
 * The destinations the model tests run on, for a test file to go through with `describe.each`:
 * DuckDB, PostgreSQL (TEST_DATABASE_URL or scripts/postgres.sh, a fresh database per file) and the
 * Snowflake, BigQuery and Redshift simulators (SQL run in DuckDB and PostgreSQL; the BigQuery one
 * refuses the SQL real BigQuery refuses, so its models are written in GoogleSQL). Registers the hooks that
 * start and stop them, and a temporary folder per test (`dir()`). Each destination gets a schema
 * of its own.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectWarehouse } from '../../activities/warehouses';
import type { Warehouse } from '../../activities/warehouses/types';
import type { DestinationConfig } from '../../domain/connector';
import { startBigQuerySimulator, type BigQuerySimulator } from '../../simulators/bigquery/server';
import { startRedshiftSimulator, type RedshiftSimulator } from '../../simulators/redshift/server';
import { startS3Simulator, type S3Simulator } from '../../simulators/s3/server';
import { SIMULATOR_USER, startSnowflakeSimulator, type SnowflakeSimulator } from '../../simulators/snowflake/server';
import { createFreshDatabase, startPostgres, type FreshDatabase } from '../store/postgres';

export interface ModelTarget {
  kind: string;
  destination(): Promise<DestinationConfig>;
}

const REDSHIFT_ACCESS_KEY = 'AKIDREDSHIFTSIM';
const freshSchema = (): string => `models_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

export function useModelTargets(): { targets: ModelTarget[]; dir: () => string } {
  let tempDir = '';
  beforeEach(async () => {
    tempDir = await mkdtemp(path.join(tmpdir(), 'ih-models-'));
  });
  afterEach(() => rm(tempDir, { recursive: true, force: true }));

  let snowflake: SnowflakeSimulator | null = null;
  beforeAll(async () => {
    snowflake = await startSnowflakeSimulator({ users: [SIMULATOR_USER] });
  });
  afterAll(() => snowflake?.stop());
  // The SDK reaches the simulator alone: no probe of the GCE metadata server.
  process.env.METADATA_SERVER_DETECTION = 'none';
  let bigquery: BigQuerySimulator | null = null;
  beforeAll(async () => {
    bigquery = await startBigQuerySimulator();
  });
  afterAll(() => bigquery?.stop());

  const targets: ModelTarget[] = [
    { kind: 'duckdb', destination: async () => ({ kind: 'duckdb', schema: 'marketing', path: path.join(tempDir, 'w.duckdb') }) },
    {
      kind: 'snowflake (its simulator)',
      destination: async () => ({
        kind: 'snowflake',
        account: snowflake?.account ?? '',
        accessUrl: snowflake?.url,
        username: SIMULATOR_USER.name,
        auth: { type: 'password', password: SIMULATOR_USER.password },
        warehouse: 'LOAD_WH',
        database: 'INSIGHT_HUB',
        schema: freshSchema(),
        stageThresholdRows: 10_000,
      }),
    },
    {
      kind: 'bigquery (its simulator)',
      destination: async () => ({
        kind: 'bigquery',
        projectId: 'insight-hub-models',
        schema: freshSchema(),
        location: 'US',
        apiEndpoint: bigquery?.url,
      }),
    },
  ];

  const server = startPostgres();
  if (!server.available) {
    test.skip(`PostgreSQL and the Redshift simulator: ${server.reason}`, () => undefined);
    return { targets, dir: () => tempDir };
  }
  let database: FreshDatabase | null = null;
  beforeAll(async () => {
    database = await createFreshDatabase(server.adminUrl);
  });
  afterAll(() => database?.drop());
  let redshift: Promise<RedshiftSimulator> | null = null;
  let s3: S3Simulator | null = null;
  const redshiftSimulator = (): Promise<RedshiftSimulator> =>
    (redshift ??= (async () => {
      s3 = await startS3Simulator({ buckets: ['ih-staging'], accessKeyIds: [REDSHIFT_ACCESS_KEY] });
      return startRedshiftSimulator({ postgresUrl: server.adminUrl, s3: s3.store, accessKeyIds: [REDSHIFT_ACCESS_KEY] });
    })());
  afterAll(async () => {
    await (await redshift)?.stop();
    await s3?.stop();
  });
  targets.push(
    {
      kind: 'redshift (its simulator, on PostgreSQL)',
      destination: async () => ({
        kind: 'redshift',
        region: 'us-east-1',
        database: (await redshiftSimulator()).database,
        schema: freshSchema(),
        workgroupName: 'insight-hub',
        endpoint: (await redshiftSimulator()).url,
        credentials: { accessKeyId: REDSHIFT_ACCESS_KEY, secretAccessKey: 'simulated-secret' },
      }),
    },
    { kind: 'postgres', destination: async () => ({ kind: 'postgres', url: database?.url, schema: freshSchema() }) },
  );
  return { targets, dir: () => tempDir };
}

/**
 * The target's warehouse, opened before each test and closed after it; `rows` reads with `{model}`
 * names resolved in its dialect, and `{text:column}` as the column cast to the dialect's text type.
 */
export interface OpenedWarehouse {
  readonly warehouse: Warehouse;
  readonly destination: DestinationConfig;
  rows(sql: string): Promise<Record<string, unknown>[]>;
}

export function useOpenedWarehouse(target: ModelTarget, dir: () => string): OpenedWarehouse {
  let warehouse: Warehouse | undefined;
  let destination: DestinationConfig | undefined;
  const opened: OpenedWarehouse = {
    get warehouse() {
      if (!warehouse) throw new Error('the warehouse opens before each test');
      return warehouse;
    },
    get destination() {
      if (!destination) throw new Error('the destination is made before each test');
      return destination;
    },
    rows: (sql) => {
      const dialect = opened.warehouse.derived?.dialect;
      const resolve = (_m: string, text: string | undefined, name: string): string =>
        text ? (dialect?.cast(name, 'string') ?? name) : (dialect?.table(name) ?? name);
      return opened.warehouse.query(sql.replace(/\{(text:)?(\w+)\}/g, resolve));
    },
  };
  beforeEach(async () => {
    destination = await target.destination();
    warehouse = await connectWarehouse(destination, dir());
  });
  afterEach(() => warehouse?.close());
  return opened;
}
