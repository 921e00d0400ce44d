/**
 * The BigQuery warehouse against the local BigQuery simulator, driven by the real SDK: the shared
 * conformance suite, then what is BigQuery's own — the load job carrying the staged file, one
 * transactional script, the table layout, schema evolution by metadata patch, and its errors.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { ConnectorError } from '../../activities/errors';
import { createBigQueryPlugin } from '../../activities/warehouses/bigquery';
import type { Warehouse } from '../../activities/warehouses/types';
import { startBigQuerySimulator, type BigQuerySimulator } from '../../simulators/bigquery/server';
import { describeWarehouseConformance } from './conformance';
import { BatchFactory, people, peopleWidened, peopleWithNickname, person } from './fixtures';

// No probe of the GCE metadata server: nothing leaves loopback.
process.env.METADATA_SERVER_DETECTION = 'none';

// The SDK's HTTP layer (teeny-request) loads node-fetch by dynamic import, which jest allows only
// with this flag; scripts/test.sh sets it. Without it every request would fail after retries.
const vmModules = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('--experimental-vm-modules'));
if (!vmModules) throw new Error('the BigQuery tests need NODE_OPTIONS=--experimental-vm-modules (as scripts/test.sh sets)');

const PROJECT = 'insight-hub-test';
/** One quick retry, so a throttled request is retried without stalling the suite. */
const plugin = createBigQueryPlugin({ retryOptions: { maxRetries: 1, maxRetryDelay: 0.05 } });

let simulator: BigQuerySimulator;
let datasets = 0;
beforeAll(async () => {
  simulator = await startBigQuerySimulator();
});
afterAll(() => simulator.stop());

function freshDestination() {
  datasets += 1;
  const schema = `conformance_${datasets}`;
  const config = { kind: 'bigquery', projectId: PROJECT, schema, location: 'US', apiEndpoint: simulator.url } as const;
  return { config, dataDir: tmpdir(), schema };
}

describeWarehouseConformance({ plugin, freshDestination: async () => freshDestination() });

describe('bigquery warehouse', () => {
  let warehouse: Warehouse;
  let schema: string;
  const batches = new BatchFactory(`${tmpdir()}/ih-bigquery-staging`);
  beforeEach(async () => {
    const destination = freshDestination();
    schema = destination.schema;
    warehouse = await plugin.connect(destination.config, { dataDir: destination.dataDir });
  });
  afterEach(() => warehouse.close());

  /** What one of the simulator's logs gained while `act` ran. */
  const loggedDuring = async <T>(log: () => readonly T[], act: () => Promise<unknown>): Promise<T[]> => {
    const before = log().length;
    await act();
    return log().slice(before);
  };

  test('a batch goes up by a load job carrying the staged file, then merges in one transactional script', async () => {
    await warehouse.ensureTable(people);
    const batch = await batches.batch([person('p1'), person('p2')], [{ record: person('q1'), reasons: ['rule'] }]);
    const jobs = await loggedDuring(
      () => simulator.jobs(),
      () => warehouse.load(batch),
    );
    const loads = jobs.filter((job) => job.kind === 'load');
    expect(loads.map((job) => job.upload)).toEqual([await readFile(batch.cleanFile ?? ''), await readFile(batch.quarantineFile ?? '')]);
    for (const job of loads) {
      expect(job.configuration).toMatchObject({
        load: {
          sourceFormat: 'NEWLINE_DELIMITED_JSON',
          writeDisposition: 'WRITE_APPEND',
          destinationTable: { projectId: PROJECT, datasetId: schema, tableId: expect.stringMatching(/^_ih_stage_/) },
        },
      });
    }
    const scripts = jobs.filter((job) => job.statements.some((s) => s.googleSql.startsWith('MERGE')));
    expect(scripts).toHaveLength(1);
    const statements = scripts[0]?.statements.map((s) => s.googleSql.split(/\s/)[0]) ?? [];
    expect(statements[0]).toBe('BEGIN');
    expect(statements.indexOf('MERGE')).toBeLessThan(statements.indexOf('COMMIT'));
    // The staging tables are dropped once the load is done.
    for (const { configuration } of loads) {
      if (!('load' in configuration)) throw new Error('a load job without a load configuration');
      const { tableId } = configuration.load.destinationTable;
      await expect(simulator.table(PROJECT, schema, tableId)).rejects.toMatchObject({ reason: 'notFound' });
    }
  });

  test('stream tables are partitioned by the day of their cursor and clustered by customer', async () => {
    await warehouse.ensureTable(people);
    const table = await simulator.table(PROJECT, schema, people.table);
    expect(table.timePartitioning).toEqual({ type: 'DAY', field: 'modified_at' });
    expect(table.clustering).toEqual({ fields: ['customer_id'] });
    expect((await simulator.table(PROJECT, schema, '_ih_quarantine')).timePartitioning).toEqual({
      type: 'DAY',
      field: 'quarantined_at',
    });
  });

  test('a new column is added by patching the table metadata', async () => {
    await warehouse.ensureTable(people);
    const requests = await loggedDuring(
      () => simulator.requests(),
      () => warehouse.ensureTable(peopleWithNickname),
    );
    const patches = requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.path)).toEqual([`/bigquery/v2/projects/${PROJECT}/datasets/${schema}/tables/${people.table}`]);
    const { schema: tableSchema } = await simulator.table(PROJECT, schema, people.table);
    expect(tableSchema.fields.find((f) => f.name === 'nickname')).toEqual({ name: 'nickname', type: 'STRING', mode: 'NULLABLE' });
    // Partitioning and clustering survive the patch.
    expect((await simulator.table(PROJECT, schema, people.table)).clustering).toEqual({ fields: ['customer_id'] });
  });

  test('widening keeps the layout: INT64 → FLOAT64 in place, DATE → TIMESTAMP by rewriting the table as it was', async () => {
    await warehouse.ensureTable(people);
    const statements = await loggedDuring(
      () => simulator.statements(),
      () => warehouse.ensureTable(peopleWidened),
    );
    const ddl = statements.map((s) => s.googleSql);
    expect(ddl).toEqual([
      expect.stringMatching(/^ALTER TABLE `.+` ALTER COLUMN `score` SET DATA TYPE FLOAT64$/),
      expect.stringMatching(
        /^CREATE OR REPLACE TABLE `.+` PARTITION BY DATE\(`modified_at`\) CLUSTER BY `customer_id`\s+AS SELECT \* REPLACE \(CAST\(`birthday` AS TIMESTAMP\) AS `birthday`\)/,
      ),
    ]);
    const table = await simulator.table(PROJECT, schema, people.table);
    expect(table.timePartitioning).toEqual({ type: 'DAY', field: 'modified_at' });
    expect(table.clustering).toEqual({ fields: ['customer_id'] });
  });

  test('two attempts of one load at once leave one copy: the ledger is checked inside the transaction', async () => {
    await warehouse.ensureTable(people);
    const batch = await batches.batch([person('p1'), person('p2')], [{ record: person('q1'), reasons: ['rule'] }]);
    const results = await Promise.all([warehouse.load(batch), warehouse.load(batch)]);

    expect(results.map((r) => r.alreadyLoaded).sort()).toEqual([false, true]);
    expect(results.map((r) => r.merged)).toEqual([2, 2]);
    const [counts] = await warehouse.query(
      `select (select count(*) from ${schema}.${people.table}) as people,
              (select count(*) from ${schema}._ih_quarantine) as quarantined,
              (select count(*) from ${schema}._ih_load_ledger) as ledger`,
    );
    expect(counts).toEqual({ people: 2, quarantined: 1, ledger: 1 });
  });

  test('a throttled request is retried by the SDK; one throttled past its retries is a rate-limited error', async () => {
    await warehouse.ensureTable(people);
    simulator.failNext(1, { reason: 'rateLimitExceeded' });
    expect(await warehouse.query(`select count(*) as n from ${schema}.${people.table}`)).toEqual([{ n: 0 }]);

    simulator.failNext(2, { reason: 'rateLimitExceeded' });
    await expect(warehouse.query(`select 1 as one`)).rejects.toMatchObject({ category: 'rate-limited' });
  });

  test('refused credentials are an auth error, a missing table a config error, neither repeating the server text', async () => {
    simulator.failNext(1, { reason: 'accessDenied', message: 'Access Denied: User pat@example.com lacks bigquery.jobs.create' });
    const denied = warehouse.query('select 1 as one');
    await expect(denied).rejects.toBeInstanceOf(ConnectorError);
    await expect(denied).rejects.toMatchObject({ category: 'auth' });
    await expect(denied).rejects.not.toThrow('pat@example.com');

    await expect(warehouse.query(`select * from ${schema}.missing`)).rejects.toMatchObject({ category: 'config' });
  });
});
