/**
 * The Redshift Data API simulator on its wire, driven by the real @aws-sdk/client-redshift-data:
 * asynchronous statements, typed results with paging, parameters, batches as one transaction,
 * cancelling, and the service's errors. Redshift DDL, MERGE and COPY are in redshift-sql.test.ts.
 */
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  ResourceNotFoundException,
  ValidationException,
  paginateGetStatementResult,
} from '@aws-sdk/client-redshift-data';
import { describeRedshift } from './redshift-fixture';

describeRedshift('redshift simulator', ({ simulator, clientFor, where, finished, run }) => {
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
