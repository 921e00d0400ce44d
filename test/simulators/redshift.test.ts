/**
 * The Redshift Data API simulator on its wire, driven by the real @aws-sdk/client-redshift-data:
 * asynchronous statements, typed results with paging, parameters, batches as one transaction,
 * Redshift DDL and COPY from the S3 simulator really run on PostgreSQL, and the service's errors.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  type DescribeStatementCommandOutput,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  GetStatementResultCommand,
  RedshiftDataClient,
  ResourceNotFoundException,
  ValidationException,
  paginateGetStatementResult,
} from '@aws-sdk/client-redshift-data';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { startRedshiftSimulator, type RedshiftSimulator, type RedshiftSimulatorOptions } from '../../simulators/redshift/server';
import { startS3Simulator, type S3Simulator } from '../../simulators/s3/server';
import { startPostgres } from '../store/postgres';

const postgres = startPostgres();
const unreachable = postgres.available ? null : postgres.reason;
if (unreachable && process.env.CI === 'true') {
  test('PostgreSQL is reachable (required on CI)', () => {
    throw new Error(unreachable);
  });
}
const suite = unreachable ? describe.skip : describe;
const title = unreachable ? `redshift simulator (skipped: PostgreSQL unreachable: ${unreachable})` : 'redshift simulator';

const CREDENTIALS = { accessKeyId: 'AKIDSIM', secretAccessKey: 'sim-secret' };

suite(title, () => {
  let s3: S3Simulator;
  const running: RedshiftSimulator[] = [];
  const simulator = async (options: Partial<RedshiftSimulatorOptions> = {}): Promise<RedshiftSimulator> => {
    const sim = await startRedshiftSimulator({
      postgresUrl: postgres.available ? postgres.adminUrl : '',
      s3: s3.store,
      accessKeyIds: [CREDENTIALS.accessKeyId],
      ...options,
    });
    running.push(sim);
    return sim;
  };
  beforeAll(async () => {
    s3 = await startS3Simulator({ buckets: ['staging'] });
  });
  afterAll(() => s3.stop());
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sim) => sim.stop()));
  });

  const clientFor = (sim: RedshiftSimulator, accessKeyId = CREDENTIALS.accessKeyId): RedshiftDataClient =>
    new RedshiftDataClient({
      region: 'us-east-1',
      endpoint: sim.url,
      credentials: { ...CREDENTIALS, accessKeyId },
      maxAttempts: 1,
    });
  const where = (sim: RedshiftSimulator) => ({ Database: sim.database, WorkgroupName: 'default' });

  async function finished(client: RedshiftDataClient, id: string): Promise<DescribeStatementCommandOutput> {
    for (;;) {
      const described = await client.send(new DescribeStatementCommand({ Id: id }));
      if (described.Status === 'FINISHED' || described.Status === 'FAILED' || described.Status === 'ABORTED') return described;
      await sleep(10);
    }
  }
  async function run(sim: RedshiftSimulator, input: Omit<ExecuteStatementCommandInput, 'Database' | 'WorkgroupName'>) {
    const client = clientFor(sim);
    const { Id = '' } = await client.send(new ExecuteStatementCommand({ ...where(sim), ...input }));
    return { client, id: Id, described: await finished(client, Id) };
  }

  test('a query runs asynchronously and its result comes back as typed fields, page by page', async () => {
    const sim = await simulator({ pageSize: 2 });
    const { client, id, described } = await run(sim, {
      Sql: `SELECT n, n * 1.5::float8 AS half, n % 2 = 0 AS even, 'row ' || n AS label,
                   CASE WHEN n = 3 THEN NULL ELSE n END AS sparse,
                   JSON_PARSE('{"tags": ["a"]}') AS doc, DATE '2026-01-05' AS day,
                   TIMESTAMPTZ '2026-01-05 12:30:45.123+02' AS at
            FROM generate_series(1, 5) AS n ORDER BY n`,
    });
    expect(described).toMatchObject({ Status: 'FINISHED', HasResultSet: true, ResultRows: 5 });
    expect(described.CreatedAt).toBeInstanceOf(Date);

    const pages = [];
    for await (const page of paginateGetStatementResult({ client }, { Id: id })) pages.push(page);
    expect(pages.map((page) => page.Records?.length)).toEqual([2, 2, 1]);
    expect(pages[0]?.ColumnMetadata?.map((c) => [c.name, c.typeName])).toEqual([
      ['n', 'int4'],
      ['half', 'float8'],
      ['even', 'bool'],
      ['label', 'varchar'],
      ['sparse', 'int4'],
      ['doc', 'super'],
      ['day', 'date'],
      ['at', 'timestamptz'],
    ]);
    const third = pages[1]?.Records?.[0];
    expect(third).toEqual([
      { longValue: 3 },
      { doubleValue: 4.5 },
      { booleanValue: false },
      { stringValue: 'row 3' },
      { isNull: true },
      { stringValue: '{"tags": ["a"]}' },
      { stringValue: '2026-01-05' },
      { stringValue: '2026-01-05 10:30:45.123+00' },
    ]);
  });

  test(':name parameters are bound as values, and every parameter must be given and used', async () => {
    const sim = await simulator();
    const { client, id } = await run(sim, {
      Sql: `SELECT CAST(:n AS BIGINT) + 1 AS next, :label AS label, :label || '!' AS shout, ':notaparam' AS quoted`,
      Parameters: [
        { name: 'n', value: '41' },
        { name: 'label', value: "it's" },
      ],
    });
    const result = await client.send(new GetStatementResultCommand({ Id: id }));
    expect(result.Records).toEqual([[{ longValue: 42 }, { stringValue: "it's" }, { stringValue: "it's!" }, { stringValue: ':notaparam' }]]);

    await expect(
      client.send(new ExecuteStatementCommand({ ...where(sim), Sql: 'SELECT :a AS a', Parameters: [{ name: 'b', value: '1' }] })),
    ).rejects.toThrow(ValidationException);
    const unbound = new ExecuteStatementCommand({ ...where(sim), Sql: 'SELECT :a AS a' });
    await expect(client.send(unbound)).rejects.toThrow(/:a, which has no value/);
  });

  test('a batch is one transaction: a failing statement rolls back those before it', async () => {
    const sim = await simulator();
    await run(sim, { Sql: 'CREATE TABLE public.t (id BIGINT PRIMARY KEY)' });
    const client = clientFor(sim);
    const { Id = '' } = await client.send(
      new BatchExecuteStatementCommand({
        ...where(sim),
        Sqls: ['INSERT INTO public.t VALUES (1)', 'INSERT INTO public.t VALUES (CAST(:two AS BIGINT))', 'INSERT INTO public.t VALUES (1)'],
        Parameters: [{ name: 'two', value: '2' }],
      }),
    );
    const described = await finished(client, Id);
    expect(described.Status).toBe('FAILED');
    expect(described.Error).toMatch(/^ERROR: duplicate key value/);
    expect(described.SubStatements?.map((s) => [s.Id, s.Status])).toEqual([
      [`${Id}:1`, 'ABORTED'],
      [`${Id}:2`, 'ABORTED'],
      [`${Id}:3`, 'FAILED'],
    ]);
    const { id } = await run(sim, { Sql: 'SELECT count(*) AS n FROM public.t' });
    expect((await client.send(new GetStatementResultCommand({ Id: id }))).Records).toEqual([[{ longValue: 0 }]]);

    const ok = await client.send(
      new BatchExecuteStatementCommand({
        ...where(sim),
        Sqls: ['INSERT INTO public.t VALUES (1)', 'INSERT INTO public.t VALUES (2), (3)'],
      }),
    );
    const done = await finished(client, ok.Id ?? '');
    expect(done.SubStatements?.map((s) => [s.Status, s.ResultRows])).toEqual([
      ['FINISHED', 1],
      ['FINISHED', 2],
    ]);
  });

  test('Redshift DDL runs: physical design recorded and dropped, SUPER stored as JSON, GETDATE() in UTC', async () => {
    const sim = await simulator();
    const ddl = `CREATE TABLE IF NOT EXISTS "Sales".people (id VARCHAR(64), customer_id VARCHAR, doc SUPER, at TIMESTAMPTZ)
                 DISTSTYLE KEY DISTKEY ("customer_id") COMPOUND SORTKEY (at, id)`;
    await run(sim, { Sql: 'CREATE SCHEMA "Sales"' });
    const created = await run(sim, { Sql: ddl });
    expect(created.described.Status).toBe('FINISHED');
    expect(sim.tableDesign('Sales.people')).toEqual({
      table: 'Sales.people',
      distStyle: 'KEY',
      distKey: 'customer_id',
      sortKey: ['at', 'id'],
    });
    const recorded = sim.statements().find((s) => s.id === created.id);
    expect(recorded?.rewrites).toEqual([
      'DISTSTYLE AUTO|EVEN|KEY|ALL',
      'DISTKEY (column)',
      '[COMPOUND] SORTKEY (columns)',
      'SUPER',
      'VARCHAR',
    ]);

    const before = Date.now();
    const inserted = await run(sim, {
      Sql: `INSERT INTO "Sales".people VALUES ('p1', :customer, JSON_PARSE(:doc), GETDATE())`,
      Parameters: [
        { name: 'customer', value: 'x'.repeat(300) },
        { name: 'doc', value: '{"a": 1}' },
      ],
    });
    // A bare VARCHAR holds 256 characters in Redshift.
    expect(inserted.described.Error).toMatch(/value too long for type character varying\(256\)/);

    await run(sim, {
      Sql: `INSERT INTO "Sales".people VALUES ('p1', '001', JSON_PARSE(:doc), GETDATE())`,
      Parameters: [{ name: 'doc', value: '{"a": [1, 2]}' }],
    });
    const db = new Client({ connectionString: sim.postgresDatabaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT doc, at FROM "Sales".people');
      expect(rows[0]?.doc).toEqual({ a: [1, 2] });
      expect(Math.abs(new Date(rows[0]?.at).getTime() - before)).toBeLessThan(5_000);
    } finally {
      await db.end();
    }
  });

  test('MERGE runs as Redshift has it, and a condition on WHEN MATCHED is a syntax error as in Redshift', async () => {
    const sim = await simulator();
    await run(sim, { Sql: 'CREATE TABLE public.t (id BIGINT, v BIGINT)' });
    await run(sim, { Sql: 'CREATE TABLE public.s (id BIGINT, v BIGINT)' });
    const merge = (matched: string): string => `MERGE INTO public.t USING public.s AS s ON t.id = s.id
       ${matched} THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)`;

    const conditional = await run(sim, { Sql: merge('WHEN MATCHED AND s.v > t.v') });
    expect(conditional.described).toMatchObject({ Status: 'FAILED', Error: 'ERROR: syntax error at or near "AND"' });
    expect((await run(sim, { Sql: merge('WHEN MATCHED') })).described.Status).toBe('FINISHED');
  });

  test('COPY FROM s3 with JSON auto loads the objects under the prefix; a bad line fails the whole COPY', async () => {
    const sim = await simulator();
    const upload = new S3Client({ region: 'us-east-1', endpoint: s3.url, forcePathStyle: true, credentials: CREDENTIALS });
    const put = (key: string, body: string) => upload.send(new PutObjectCommand({ Bucket: 'staging', Key: key, Body: body }));
    await put('copy/part-1.ndjson', '{"id":"p1","score":1,"doc":{"k":[1]},"ignored":true}\n{"id":"p2","score":null}\n');
    await put('copy/part-2.ndjson', '{"id":"p3","score":3,"at":"2026-01-05T12:00:00+02:00"}\n');
    await put('bad/part-1.ndjson', '{"id":"p4","score":4}\n{"id":"p5","score":"p5@example.com"}\n');
    await run(sim, { Sql: 'CREATE TABLE public.copied (id VARCHAR(16), score BIGINT, doc SUPER, at TIMESTAMPTZ)' });

    const copy = (prefix: string) =>
      run(sim, {
        Sql: `COPY public.copied FROM 's3://staging/${prefix}' IAM_ROLE 'arn:aws:iam::123456789012:role/load'
              FORMAT AS JSON 'auto' TIMEFORMAT 'auto'`,
      });
    const loaded = await copy('copy/');
    expect(loaded.described).toMatchObject({ Status: 'FINISHED', ResultRows: 3 });
    const { client, id } = await run(sim, {
      Sql: 'SELECT id, score, JSON_SERIALIZE(doc) AS doc, at FROM public.copied ORDER BY id',
    });
    expect((await client.send(new GetStatementResultCommand({ Id: id }))).Records).toEqual([
      [{ stringValue: 'p1' }, { longValue: 1 }, { stringValue: '{"k": [1]}' }, { isNull: true }],
      [{ stringValue: 'p2' }, { isNull: true }, { isNull: true }, { isNull: true }],
      [{ stringValue: 'p3' }, { longValue: 3 }, { isNull: true }, { stringValue: '2026-01-05 10:00:00+00' }],
    ]);

    const failed = await copy('bad/');
    expect(failed.described.Status).toBe('FAILED');
    expect(failed.described.Error).toBe("ERROR: Load into table 'copied' failed. Check 'sys_load_error_detail' system table for details.");
    expect(sim.loadErrors()).toEqual([expect.objectContaining({ table: 'public.copied', reason: expect.stringMatching(/bigint/) })]);
    expect((await copy('missing/')).described.Error).toMatch(/prefix 'missing\/' does not exist/);
  });

  test('a running statement can be cancelled', async () => {
    const sim = await simulator({ statementDelayMs: 300 });
    const client = clientFor(sim);
    const { Id = '' } = await client.send(new ExecuteStatementCommand({ ...where(sim), Sql: 'SELECT 1' }));
    expect((await client.send(new DescribeStatementCommand({ Id }))).Status).toMatch(/SUBMITTED|STARTED/);
    expect((await client.send(new CancelStatementCommand({ Id }))).Status).toBe(true);
    expect((await finished(client, Id)).Status).toBe('ABORTED');
    await expect(client.send(new CancelStatementCommand({ Id }))).rejects.toThrow(ValidationException);
  });

  test('service errors come back as the SDK’s exceptions', async () => {
    const sim = await simulator();
    const client = clientFor(sim);
    await expect(client.send(new DescribeStatementCommand({ Id: 'no-such-id' }))).rejects.toThrow(ResourceNotFoundException);
    await expect(client.send(new ExecuteStatementCommand({ Database: sim.database, Sql: 'SELECT 1' }))).rejects.toThrow(
      /WorkgroupName or ClusterIdentifier/,
    );
    const stranger = clientFor(sim, 'AKIDOTHER');
    await expect(stranger.send(new ExecuteStatementCommand({ ...where(sim), Sql: 'SELECT 1' }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    sim.throttle(1);
    await expect(client.send(new ExecuteStatementCommand({ ...where(sim), Sql: 'SELECT 1' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    const unsigned = await fetch(sim.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'RedshiftData.ExecuteStatement' },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });

    const elsewhere = new ExecuteStatementCommand({ Database: 'other', WorkgroupName: 'w', Sql: 'SELECT 1' });
    const wrongDatabase = await client.send(elsewhere);
    expect((await finished(client, wrongDatabase.Id ?? '')).Error).toBe('ERROR: database "other" does not exist');
    const twoStatements = await run(sim, { Sql: 'SELECT 1; SELECT 2' });
    expect(twoStatements.described.Error).toMatch(/BatchExecuteStatement/);
    const { id } = await run(sim, { Sql: 'CREATE TABLE public.nothing (a INT)' });
    await expect(client.send(new GetStatementResultCommand({ Id: id }))).rejects.toThrow(/does not have result/);
  });
});
