/**
 * The Redshift Data API simulator running Redshift's own SQL on PostgreSQL, driven by the real
 * @aws-sdk/client-redshift-data: DDL with physical design, SUPER and GETDATE(), MERGE, and COPY from
 * the S3 simulator.
 */
import { GetStatementResultCommand } from '@aws-sdk/client-redshift-data';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { CREDENTIALS, describeRedshift } from './redshift-fixture';

describeRedshift('redshift simulator', ({ simulator, run, s3Url }) => {
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
    const upload = new S3Client({ region: 'us-east-1', endpoint: s3Url(), forcePathStyle: true, credentials: CREDENTIALS });
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
});
