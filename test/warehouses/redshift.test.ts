/**
 * Redshift as the warehouse: the shared conformance suite through the real Data API SDK against the
 * local simulator (SQL really run on PostgreSQL), once staging by bound INSERTs and once by COPY
 * from the S3 simulator. Then what is Redshift's own: the physical design, statement sizes under
 * the Data API limit, the COPY path, polling and the errors the service answers.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { ConnectorError, RateLimitedError } from '../../activities/errors';
import { createRedshiftWarehouse } from '../../activities/warehouses/redshift';
import type { DestinationConfigOf, Warehouse } from '../../activities/warehouses/types';
import { startRedshiftSimulator, type RedshiftSimulator, type RedshiftSimulatorOptions } from '../../simulators/redshift/server';
import { startS3Simulator, type S3Simulator } from '../../simulators/s3/server';
import { startPostgres } from '../store/postgres';
import { describeWarehouseConformance } from './conformance';
import { people, person, useBatchFactory } from './fixtures';
import { redshiftAt } from './simulated';

type RedshiftConfig = DestinationConfigOf<'redshift'>;

const postgres = startPostgres();
const unreachable = postgres.available ? null : postgres.reason;
if (unreachable && process.env.CI === 'true') {
  test('PostgreSQL is reachable (required on CI)', () => {
    throw new Error(unreachable);
  });
}

const ACCESS_KEY = 'AKIDREDSHIFTSIM';
const BUCKET = 'ih-staging';
const COPY_ROLE = 'arn:aws:iam::123456789012:role/redshift-copy';
const plugin = createRedshiftWarehouse({ maxAttempts: 1, polling: { firstDelayMs: 5, maxDelayMs: 40, timeoutMs: 30_000 } });

let s3: S3Simulator | null = null;
const simulators: RedshiftSimulator[] = [];
async function simulator(options: Partial<RedshiftSimulatorOptions> = {}): Promise<RedshiftSimulator> {
  s3 ??= await startS3Simulator({ buckets: [BUCKET], accessKeyIds: [ACCESS_KEY] });
  const sim = await startRedshiftSimulator({
    postgresUrl: postgres.available ? postgres.adminUrl : '',
    s3: s3.store,
    accessKeyIds: [ACCESS_KEY],
    ...options,
  });
  simulators.push(sim);
  return sim;
}
let shared: Promise<RedshiftSimulator> | null = null;
const sharedSimulator = (): Promise<RedshiftSimulator> => (shared ??= simulator());
afterAll(async () => {
  await Promise.all(simulators.map((sim) => sim.stop()));
  await s3?.stop();
});

const freshSchema = (): string => `conformance_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

function configFor(sim: RedshiftSimulator, schema: string, staging: 'insert' | 'copy'): RedshiftConfig {
  return redshiftAt(sim, ACCESS_KEY, {
    schema,
    s3Staging: staging === 'copy' ? { bucket: BUCKET, prefix: 'insight-hub/', iamRoleArn: COPY_ROLE, endpoint: s3?.url } : undefined,
  });
}

const suite = unreachable ? describe.skip : describe;
const skipped = unreachable ? ` (skipped: PostgreSQL unreachable: ${unreachable})` : '';

for (const staging of ['insert', 'copy'] as const) {
  suite(`redshift, staging by ${staging === 'insert' ? 'bound INSERTs' : 'COPY from S3'}${skipped}`, () => {
    describeWarehouseConformance({
      plugin,
      async freshDestination() {
        const schema = freshSchema();
        return { config: configFor(await sharedSimulator(), schema, staging), dataDir: tmpdir(), schema };
      },
    });
  });
}

suite(`redshift warehouse${skipped}`, () => {
  const batches = useBatchFactory('ih-redshift-');
  const open: Warehouse[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((warehouse) => warehouse.close()));
  });
  const connect = async (config: RedshiftConfig, through = plugin): Promise<Warehouse> => {
    const warehouse = await through.connect(config, { dataDir: batches().root });
    open.push(warehouse);
    return warehouse;
  };
  const stagingInserts = (sim: RedshiftSimulator, schema: string) =>
    sim.statements().filter((s) => s.sql.startsWith(`INSERT INTO "${schema}"."_ih_stage_`));

  test('stream tables are distributed by customer id and sorted by the cursor; json is SUPER', async () => {
    const sim = await sharedSimulator();
    const schema = freshSchema();
    const warehouse = await connect(configFor(sim, schema, 'insert'));
    const noCustomer = { ...people, table: 'no_customer', columns: people.columns.filter((c) => c.name !== 'customer_id') };
    await warehouse.ensureTable(people);
    await warehouse.ensureTable(noCustomer);

    expect(sim.tableDesign(`${schema}.${people.table}`)).toEqual({
      table: `${schema}.${people.table}`,
      distStyle: null,
      distKey: 'customer_id',
      sortKey: ['modified_at'],
    });
    expect(sim.tableDesign(`${schema}.no_customer`)).toMatchObject({
      distStyle: 'AUTO',
      distKey: null,
      sortKey: ['modified_at'],
    });
    const types = await warehouse.query(
      `select column_name, data_type from svv_columns where table_schema = $1 and table_name = $2 order by ordinal_position`,
      [schema, people.table],
    );
    expect(types.find((row) => row.column_name === 'attributes')).toEqual({ column_name: 'attributes', data_type: 'super' });
    expect(types.find((row) => row.column_name === 'email')).toEqual({ column_name: 'email', data_type: 'character varying' });
  });

  test('without S3, rows are staged by bound INSERTs, each statement under the 100 KB limit', async () => {
    const sim = await sharedSimulator();
    const schema = freshSchema();
    const warehouse = await connect(configFor(sim, schema, 'insert'));
    const notes = 'x'.repeat(400);
    const rows = Array.from({ length: 600 }, (_, i) => person(`p${i}`, { attributes: { notes, i } }));
    await warehouse.ensureTable(people);

    expect(await warehouse.load(await batches().batch(rows))).toMatchObject({ merged: 600, alreadyLoaded: false });
    const inserts = stagingInserts(sim, schema);
    expect(inserts.length).toBeGreaterThan(2);
    for (const insert of inserts) {
      const values = Object.values(insert.parameters).reduce((sum, value) => sum + Buffer.byteLength(value), 0);
      expect(Buffer.byteLength(insert.sql) + values).toBeLessThanOrEqual(100_000);
      expect(insert.status).toBe('FINISHED');
    }
    // Values travel as parameters, never in the SQL text.
    expect(inserts.some((insert) => insert.sql.includes('p1@example.com'))).toBe(false);
    const [count] = await warehouse.query(
      `select count(*) as n, sum(cast(json_serialize(attributes) like '%notes%' as int)) as with_notes
       from ${schema}.${people.table}`,
    );
    expect(count).toEqual({ n: 600, with_notes: 600 });
  });

  test('a row too large for one statement fails as a data error that points at S3 staging', async () => {
    const sim = await sharedSimulator();
    const schema = freshSchema();
    const warehouse = await connect(configFor(sim, schema, 'insert'));
    await warehouse.ensureTable(people);
    const batch = await batches().batch([person('p1'), person('p2', { attributes: { notes: 'y'.repeat(120_000) } })]);

    await expect(warehouse.load(batch)).rejects.toMatchObject({
      category: 'data',
      message: expect.stringMatching(/row 2 .*100 kB.*s3Staging/),
    });
    expect(await warehouse.query(`select count(*) as n from ${schema}.${people.table}`)).toEqual([{ n: 0 }]);
  });

  test('with S3 staging, the batch is uploaded, COPYed into staging, and the object removed', async () => {
    const sim = await sharedSimulator();
    const schema = freshSchema();
    const warehouse = await connect(configFor(sim, schema, 'copy'));
    await warehouse.ensureTable(people);
    const before = s3?.requests().length ?? 0;
    const batch = await batches().batch([person('p1'), person('p2')], [{ record: person('q1'), reasons: ['rule'] }]);

    expect(await warehouse.load(batch)).toMatchObject({ merged: 2, quarantined: 1 });
    const requests = (s3?.requests() ?? []).slice(before);
    expect(requests.map((r) => [r.operation, r.bucket, r.status])).toEqual([
      ['PutObject', BUCKET, 200],
      ['DeleteObject', BUCKET, 204],
      ['PutObject', BUCKET, 200],
      ['DeleteObject', BUCKET, 204],
    ]);
    expect(requests.every((r) => r.key.startsWith('insight-hub/person/'))).toBe(true);
    expect(s3?.store.keys(BUCKET)).toEqual([]);
    const copies = sim.statements().filter((s) => s.sql.startsWith(`COPY "${schema}".`));
    expect(copies.map((c) => [c.rewrites, c.status, c.resultRows])).toEqual([
      [['COPY FROM S3'], 'FINISHED', 2],
      [['COPY FROM S3'], 'FINISHED', 1],
    ]);
    expect(stagingInserts(sim, schema)).toEqual([]);
  });

  test('the merge is one BatchExecuteStatement: ledger locked, staging dropped, all in one transaction', async () => {
    const sim = await sharedSimulator();
    const schema = freshSchema();
    const warehouse = await connect(configFor(sim, schema, 'insert'));
    await warehouse.ensureTable(people);
    const batch = await batches().batch([person('p1')]);
    await warehouse.load(batch);

    const lock = sim.statements().find((s) => s.sql === `LOCK "${schema}"."_ih_load_ledger"`);
    const merge = sim.statements().filter((s) => s.batchId !== null && s.batchId === lock?.batchId);
    expect(merge[0]?.parameters).toMatchObject({ load_id: batch.loadId, source: 'salesforce' });
    expect(merge.every((s) => s.status === 'FINISHED')).toBe(true);
    expect(merge.some((s) => s.sql.startsWith(`MERGE INTO "${schema}"."${people.table}"`))).toBe(true);
    expect(merge.at(-1)?.sql).toMatch(/^DROP TABLE "[^"]+"\."_ih_stageq_/);
    const leftovers = await warehouse.query(
      `select count(*) as n from svv_columns where table_schema = $1 and table_name like '\\_ih\\_stage%'`,
      [schema],
    );
    expect(leftovers).toEqual([{ n: 0 }]);
  });

  test('query() runs only read-only statements and binds $n parameters', async () => {
    const sim = await sharedSimulator();
    const warehouse = await connect(configFor(sim, freshSchema(), 'insert'));
    const sql = `select $1 || '$2' as text, cast($2 as bigint) + 1 as next, $3 as nothing, $4 as empty`;
    expect(await warehouse.query(sql, ['a', 41, null, ''])).toEqual([{ text: 'a$2', next: 42, nothing: null, empty: '' }]);
    await expect(warehouse.query('drop table x')).rejects.toMatchObject({
      category: 'config',
      message: expect.stringContaining('read-only'),
    });
    await expect(warehouse.query('select 1; drop table x')).rejects.toMatchObject({ category: 'config' });
  });

  test('bad credentials fail fast as an auth error; a throttled service as rate-limited', async () => {
    const sim = await sharedSimulator();
    const config = configFor(sim, freshSchema(), 'insert');
    const stranger = await connect({ ...config, credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' } });
    await expect(stranger.ensureTable(people)).rejects.toMatchObject({
      category: 'auth',
      message: expect.stringContaining('UnrecognizedClientException'),
    });

    const warehouse = await connect(config);
    sim.throttle(1);
    await expect(warehouse.ensureTable(people)).rejects.toBeInstanceOf(RateLimitedError);
    expect(await warehouse.ensureTable(people)).toEqual([]);
  });

  test('a wrong database is a config error; a cluster needs a database user or a secret', async () => {
    const sim = await sharedSimulator();
    const config = configFor(sim, freshSchema(), 'insert');
    const elsewhere = await connect({ ...config, database: 'analytics' });
    await expect(elsewhere.ensureTable(people)).rejects.toMatchObject({
      category: 'config',
      message: expect.stringContaining('"analytics" does not exist'),
    });

    const cluster = { ...config, workgroupName: undefined, clusterIdentifier: 'insight-hub-cluster' };
    await expect(connect(cluster)).rejects.toMatchObject({ category: 'config', message: expect.stringContaining('dbUser') });
    const asUser = await connect({ ...cluster, dbUser: 'loader' });
    expect(await asUser.ensureTable(people)).toEqual([]);
  });

  test('a statement that outlives the timeout is cancelled and reported as transient', async () => {
    const slow = await simulator({ statementDelayMs: 400 });
    const impatient = createRedshiftWarehouse({ maxAttempts: 1, polling: { firstDelayMs: 10, maxDelayMs: 20, timeoutMs: 100 } });
    const warehouse = await connect(configFor(slow, freshSchema(), 'insert'), impatient);

    const failure = warehouse.query('select 1 as one');
    await expect(failure).rejects.toBeInstanceOf(ConnectorError);
    await expect(failure).rejects.toMatchObject({ category: 'transient', message: expect.stringContaining('did not finish') });
    expect(slow.requests().map((r) => r.operation)).toContain('CancelStatement');
    expect(slow.statements().at(-1)?.status).toBe('ABORTED');
  });
});
