/**
 * What the BigQuery simulator's dialect accepts because BigQuery does (CREATE OR REPLACE TABLE with
 * a column list typing its query, STRPOS, UNION DISTINCT, STRING_AGG with DISTINCT and ORDER BY) and
 * refuses because BigQuery does (other dialects' type names, POSITION … IN, a bare UNION, a WITH
 * clause naming its columns), through the real SDK.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import { startBigQuerySimulator, type BigQuerySimulator } from '../../simulators/bigquery/server';
import { simulatorClient } from './bigquery-client';

process.env.METADATA_SERVER_DETECTION = 'none';

const PROJECT = 'sim-dialect';
let simulator: BigQuerySimulator;
let bq: BigQuery;

beforeAll(async () => {
  simulator = await startBigQuerySimulator();
  bq = simulatorClient(simulator, PROJECT);
  await bq.createDataset('models');
});
afterAll(() => simulator.stop());

const plain = async (sql: string): Promise<unknown[]> => {
  const [rows] = await bq.query({ query: sql });
  return rows.map((row: unknown) => JSON.parse(JSON.stringify(row)));
};

test('CREATE OR REPLACE TABLE t (columns) AS query names and types the query’s columns by position, and replaces the rows', async () => {
  const create = (n: number): string =>
    `CREATE OR REPLACE TABLE \`${PROJECT}.models.daily\` (day DATE, visits INT64, share FLOAT64, label STRING)
     AS SELECT CAST(TIMESTAMP '2026-03-02 23:30:00+00' AS DATE), ${n}, 1, CONCAT('n', CAST(${n} AS STRING))`;
  await bq.query(create(1));
  await bq.query(create(2));
  const [metadata] = await bq.dataset('models').table('daily').getMetadata();
  expect(metadata.schema.fields.map(({ name, type }: { name: string; type: string }) => `${name} ${type}`)).toEqual([
    'day DATE',
    'visits INTEGER',
    'share FLOAT',
    'label STRING',
  ]);
  expect(await plain(`SELECT CAST(day AS STRING) AS day, visits, share, label FROM models.daily`)).toEqual([
    { day: '2026-03-02', visits: 2, share: 1, label: 'n2' },
  ]);
  // A list longer or shorter than the query's columns is refused, as BigQuery refuses it, and the table stays.
  await expect(bq.query(`CREATE OR REPLACE TABLE models.daily (a INT64, b INT64) AS SELECT 1`)).rejects.toMatchObject({ code: 400 });
  await expect(bq.query(`CREATE OR REPLACE TABLE models.daily (a INT64) AS SELECT 1, 2`)).rejects.toMatchObject({ code: 400 });
  // So is a query column the list's type does not take (INT64 into FLOAT64 is taken, above).
  await expect(bq.query(`CREATE OR REPLACE TABLE models.daily (visits INT64) AS SELECT 'x'`)).rejects.toThrow(
    'Query column 1 has type STRING which cannot be inserted into column visits, which has type INT64',
  );
  await expect(bq.query(`CREATE OR REPLACE TABLE models.daily (visits INT64) AS SELECT 1.5`)).rejects.toMatchObject({ code: 400 });
  expect(await plain(`SELECT visits FROM models.daily`)).toEqual([{ visits: 2 }]);
});

test('GoogleSQL the models use runs: STRPOS, UNION DISTINCT, STRING_AGG(DISTINCT … ORDER BY …), NULLS LAST in a window', async () => {
  const rows = await plain(`
    WITH v AS (SELECT 'b' AS x, 2 AS n UNION ALL SELECT 'a', NULL UNION ALL SELECT 'b', 1)
    SELECT STRPOS('/blog/a', 'b') AS at, (SELECT COUNT(*) FROM (SELECT x FROM v UNION DISTINCT SELECT x FROM v)) AS distinct_x,
           (SELECT STRING_AGG(DISTINCT x, ', ' ORDER BY x) FROM v) AS xs,
           (SELECT n FROM (SELECT n, ROW_NUMBER() OVER (ORDER BY n DESC NULLS LAST) AS r FROM v) WHERE r = 1) AS top`);
  expect(rows).toEqual([{ at: 2, distinct_x: 2, xs: 'a, b', top: 2 }]);
});

test.each([
  ['another dialect’s type name', `SELECT CAST(1 AS VARCHAR)`, 'Type not found: VARCHAR'],
  ['DOUBLE PRECISION', `SELECT CAST(NULL AS DOUBLE PRECISION)`, 'Type not found: DOUBLE'],
  ['POSITION … IN', `SELECT POSITION('/' IN 'a/b')`, 'Function not found: POSITION'],
  ['a bare UNION', `SELECT 1 AS n UNION SELECT 2`, 'Expected keyword ALL or keyword DISTINCT'],
  ['a WITH clause naming its columns', `WITH t (n) AS (SELECT 1) SELECT n FROM t`, 'Expected keyword AS'],
  ["an interval's unit inside its string", `SELECT CURRENT_TIMESTAMP() - 30 * INTERVAL '1 day'`, 'Expected a date part'],
])('%s is refused, as BigQuery refuses it', async (_what, sql, message) => {
  await expect(bq.query(sql)).rejects.toMatchObject({ code: 400, errors: [{ reason: 'invalidQuery' }] });
  await expect(bq.query(sql)).rejects.toThrow(message);
});
