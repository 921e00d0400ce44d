/**
 * The BigQuery simulator as the real SDK sees it: both endpoint layouts, DDL with partitioning and
 * clustering, scripts with transactions, load jobs and their dispositions, paging and polling,
 * parameters and GoogleSQL literals, schema patches, and errors in Google's shape.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { startBigQuerySimulator, type BigQuerySimulator } from '../../simulators/bigquery/server';
import { simulatorClient } from './bigquery-client';

process.env.METADATA_SERVER_DETECTION = 'none';

// The SDK's HTTP layer (teeny-request) loads node-fetch by dynamic import, which jest allows only
// with this flag; scripts/test.sh sets it. Without it every request would fail after retries.
const vmModules = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('--experimental-vm-modules'));
if (!vmModules) throw new Error('the BigQuery tests need NODE_OPTIONS=--experimental-vm-modules (as scripts/test.sh sets)');

const PROJECT = 'sim-project';
let simulator: BigQuerySimulator;
let bq: BigQuery;
let files: string;
let datasets = 0;

beforeAll(async () => {
  simulator = await startBigQuerySimulator({ pageSize: 2, runningPolls: 1 });
  bq = simulatorClient(simulator, PROJECT);
  files = await mkdtemp(path.join(tmpdir(), 'ih-bigquery-sim-test-'));
});
afterAll(async () => {
  await simulator.stop();
  await rm(files, { recursive: true, force: true });
});

async function freshDataset(): Promise<string> {
  datasets += 1;
  const id = `sim_${datasets}`;
  await bq.createDataset(id);
  return id;
}

async function ndjson(lines: readonly object[]): Promise<string> {
  const file = path.join(files, `${datasets}-${Math.random().toString(36).slice(2)}.ndjson`);
  await writeFile(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  return file;
}

async function rowsOf(sql: string, params?: Record<string, unknown> | unknown[]): Promise<unknown[]> {
  const [rows] = await bq.query({ query: sql, params, parseJSON: true });
  return rows.map((row: unknown) => JSON.parse(JSON.stringify(row)));
}

test('BIGQUERY_EMULATOR_HOST paths (no /bigquery/v2) reach the same simulator', async () => {
  process.env.BIGQUERY_EMULATOR_HOST = simulator.url;
  try {
    const emulated = new BigQuery({ projectId: PROJECT, authClient: new PassThroughClient(), retryOptions: { autoRetry: false } });
    await emulated.createDataset('via_emulator_host');
    const [rows] = await emulated.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  } finally {
    delete process.env.BIGQUERY_EMULATOR_HOST;
  }
  expect(simulator.requests()).toContainEqual(expect.objectContaining({ method: 'POST', path: `/projects/${PROJECT}/datasets` }));
  await expect(bq.dataset('via_emulator_host').get()).resolves.toBeDefined();
});

test('CREATE TABLE records PARTITION BY and CLUSTER BY as table metadata and drops them from the DuckDB statement', async () => {
  const dataset = await freshDataset();
  await bq.query(
    `CREATE TABLE \`${PROJECT}.${dataset}.events\` (id STRING NOT NULL, customer_id STRING, n INT64, happened_at TIMESTAMP, tags ARRAY<STRING>)
     PARTITION BY DATE(happened_at) CLUSTER BY customer_id OPTIONS (description = "events")`,
  );
  const [metadata] = await bq.dataset(dataset).table('events').getMetadata();
  expect(metadata.timePartitioning).toEqual({ type: 'DAY', field: 'happened_at' });
  expect(metadata.clustering).toEqual({ fields: ['customer_id'] });
  expect(metadata.schema.fields).toEqual([
    { name: 'id', type: 'STRING', mode: 'REQUIRED' },
    { name: 'customer_id', type: 'STRING', mode: 'NULLABLE' },
    { name: 'n', type: 'INTEGER', mode: 'NULLABLE' },
    { name: 'happened_at', type: 'TIMESTAMP', mode: 'NULLABLE' },
    { name: 'tags', type: 'STRING', mode: 'REPEATED' },
  ]);
  const ddl = simulator.statements().find((s) => s.googleSql.includes('.events`'));
  expect(ddl?.duckdb).toMatch(/^CREATE TABLE "sim-project"\."sim_\d+"\."events" \(id VARCHAR NOT NULL, .*tags VARCHAR\[\]\)$/);

  // BigQuery refuses to cluster by a JSON column, and so does the simulator.
  await expect(bq.query(`CREATE TABLE ${dataset}.bad (j JSON) CLUSTER BY j`)).rejects.toMatchObject({ code: 400 });
  await expect(bq.dataset(dataset).table('bad').get()).rejects.toMatchObject({ code: 404 });
});

test('a script commits statement by statement outside a transaction and all-or-nothing inside one', async () => {
  const dataset = await freshDataset();
  await bq.query(`CREATE TABLE ${dataset}.t (id STRING, n INT64)`);
  const failing = `INSERT INTO ${dataset}.t VALUES ('before', 1);
    BEGIN TRANSACTION;
    INSERT INTO ${dataset}.t VALUES ('inside', 2);
    SELECT CAST('not a number' AS INT64);
    COMMIT TRANSACTION;`;
  await expect(bq.query(failing)).rejects.toMatchObject({ code: 400, errors: [{ reason: 'invalidQuery' }] });
  expect(await rowsOf(`SELECT id FROM ${dataset}.t ORDER BY id`)).toEqual([{ id: 'before' }]);

  await expect(bq.query(`BEGIN TRANSACTION; CREATE TABLE ${dataset}.u (id STRING); COMMIT TRANSACTION;`)).rejects.toMatchObject({
    code: 400,
  });
  await expect(bq.query(`BEGIN TRANSACTION; INSERT INTO ${dataset}.t VALUES ('open', 3);`)).rejects.toMatchObject({ code: 400 });
  expect(await rowsOf(`SELECT count(*) AS n FROM ${dataset}.t`)).toEqual([{ n: 1 }]);

  const [rows] = await bq.query(`BEGIN TRANSACTION;
    CREATE TEMP TABLE staged AS SELECT 'temp' AS id, 4 AS n;
    INSERT INTO ${dataset}.t SELECT * FROM staged;
    COMMIT TRANSACTION;
    SELECT id, n FROM ${dataset}.t ORDER BY id`);
  expect(rows).toEqual([
    { id: 'before', n: 1 },
    { id: 'temp', n: 4 },
  ]);
});

test('load jobs honour the dispositions, reject unknown fields and bad values, and change nothing when they fail', async () => {
  const dataset = await freshDataset();
  const table = bq.dataset(dataset).table('people');
  const schema = {
    fields: [
      { name: 'id', type: 'STRING' },
      { name: 'score', type: 'INTEGER' },
    ],
  };
  const ndjsonLoad = { sourceFormat: 'NEWLINE_DELIMITED_JSON', schema };

  await expect(table.load(await ndjson([{ id: 'a' }]), { ...ndjsonLoad, createDisposition: 'CREATE_NEVER' })).rejects.toMatchObject({
    errors: [{ reason: 'notFound' }],
  });
  const [first] = await table.load(
    await ndjson([
      { id: 'a', score: 1 },
      { id: 'b', score: 2 },
    ]),
    ndjsonLoad,
  );
  expect(first.statistics?.load?.outputRows).toBe('2');
  await table.load(await ndjson([{ id: 'c', score: 3 }]), { ...ndjsonLoad, writeDisposition: 'WRITE_TRUNCATE' });
  expect(await rowsOf(`SELECT id FROM ${dataset}.people`)).toEqual([{ id: 'c' }]);

  const unknown = await ndjson([{ id: 'd', score: 4, extra: true }]);
  await expect(table.load(unknown, ndjsonLoad)).rejects.toMatchObject({
    errors: expect.arrayContaining([expect.objectContaining({ reason: 'invalid' })]),
  });
  await table.load(unknown, { ...ndjsonLoad, ignoreUnknownValues: true });

  const bad = await ndjson([
    { id: 'e', score: 5 },
    { id: 'f', score: 'five' },
  ]);
  await expect(table.load(bad, ndjsonLoad)).rejects.toMatchObject({
    errors: expect.arrayContaining([expect.objectContaining({ reason: 'invalid' })]),
  });
  expect(await rowsOf(`SELECT id FROM ${dataset}.people ORDER BY id`)).toEqual([{ id: 'c' }, { id: 'd' }]);
  const failed = simulator
    .jobs()
    .filter((job) => job.kind === 'load')
    .at(-1);
  expect(failed?.errorResult?.reason).toBe('invalid');
  expect(failed?.upload?.toString()).toContain('"five"');
});

test('results are paged and jobs polled until DONE; values keep their BigQuery types', async () => {
  const dataset = await freshDataset();
  await bq.query(`CREATE TABLE ${dataset}.t (id INT64, happened_at TIMESTAMP, day DATE, payload JSON, ok BOOL, ratio FLOAT64)`);
  const values = [1, 2, 3, 4, 5].map(
    (i) => `(${i}, TIMESTAMP '2026-01-05 10:00:00.123456+00', DATE '2026-01-05', JSON '{"k": "v"}', ${i} > 2, ${i} / 4)`,
  );
  await bq.query(`INSERT INTO ${dataset}.t VALUES ${values.join(', ')}`);
  const before = simulator.requests().length;
  const [rows] = await bq.query({ query: `SELECT * FROM ${dataset}.t ORDER BY id`, parseJSON: true });

  expect(rows).toHaveLength(5);
  expect(JSON.parse(JSON.stringify(rows[4]))).toEqual({
    id: 5,
    happened_at: { value: '2026-01-05T10:00:00.123456000Z' },
    day: { value: '2026-01-05' },
    payload: { k: 'v' },
    ok: true,
    ratio: 1.25,
  });
  const pages = simulator
    .requests()
    .slice(before)
    .filter((r) => r.method === 'GET' && r.path.includes('/queries/'));
  // jobs.query answered "running"; then three pages of at most two rows each.
  expect(pages.map((page) => page.query.pageToken)).toEqual([undefined, '2', '4']);
});

test('named and positional parameters, GoogleSQL literals and functions translate to DuckDB', async () => {
  const named = await rowsOf(
    `SELECT @name AS name, @n + 1 AS next, @at AS at, "it's" AS quoted, 'a\\tb' AS escaped, r'a\\tb' AS raw,
       JSON_VALUE(JSON '{"k": "v"}', '$.k') AS k, SAFE_CAST('x' AS INT64) AS safe, CURRENT_TIMESTAMP() IS NOT NULL AS now`,
    { name: 'pat', n: 41, at: new Date('2026-01-05T10:00:00.000Z') },
  );
  expect(named).toEqual([
    {
      name: 'pat',
      next: 42,
      at: { value: '2026-01-05T10:00:00.000Z' },
      quoted: "it's",
      escaped: 'a\tb',
      raw: 'a\\tb',
      k: 'v',
      safe: null,
      now: true,
    },
  ]);
  expect(await rowsOf('SELECT ? AS a, ? AS b, * EXCEPT (c) FROM (SELECT 1 AS c, 2 AS d)', ['x', true])).toEqual([
    { a: 'x', b: true, d: 2 },
  ]);
});

test('tables.patch adds nullable columns and refuses to retype, drop or add a required one', async () => {
  const dataset = await freshDataset();
  const [table] = await bq.dataset(dataset).createTable('t', { schema: { fields: [{ name: 'id', type: 'STRING' }] } });
  await table.setMetadata({
    schema: {
      fields: [
        { name: 'id', type: 'STRING' },
        { name: 'n', type: 'INTEGER' },
      ],
    },
  });
  expect((await table.getMetadata())[0].schema.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'n']);

  const refusals = [
    [
      { name: 'id', type: 'INTEGER' },
      { name: 'n', type: 'INTEGER' },
    ],
    [{ name: 'id', type: 'STRING' }],
    [
      { name: 'id', type: 'STRING' },
      { name: 'n', type: 'INTEGER' },
      { name: 'm', type: 'STRING', mode: 'REQUIRED' },
    ],
  ];
  for (const fields of refusals) {
    await expect(table.setMetadata({ schema: { fields } })).rejects.toMatchObject({ code: 400, errors: [{ reason: 'invalid' }] });
  }
});

test('errors come in Google’s shape: a missing table is a 404 notFound', async () => {
  const dataset = await freshDataset();
  const response = await fetch(`${simulator.url}/bigquery/v2/projects/${PROJECT}/datasets/${dataset}/tables/missing`);
  expect(response.status).toBe(404);
  expect(await response.json()).toEqual({
    error: {
      code: 404,
      message: `Not found: Table ${PROJECT}:${dataset}.missing`,
      errors: [{ message: `Not found: Table ${PROJECT}:${dataset}.missing`, domain: 'global', reason: 'notFound' }],
      status: 'NOT_FOUND',
    },
  });
});
