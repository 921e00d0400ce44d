/**
 * POST /api/v1/warehouse/query on the embedded DuckDB while the product holds it: the file is held
 * open by this process (as the worker holds it in the demo) and the API reads through that instance.
 * The role matrix of the spec's personas, refusals naming their rule, the timeout, the row limit and
 * the audit row.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { connectorBody, createConnector, useApiHarness } from './harness';
import { useHeldWarehouse } from './held-warehouse';

const QUERY = '/api/v1/warehouse/query';
const api = useApiHarness();
const warehouse = useHeldWarehouse(
  'insight-hub-query-',
  `CREATE SCHEMA marketing;
  CREATE TABLE marketing.customer AS SELECT range AS customer_id, 'person-' || range || '@example.com' AS email FROM range(5);
  CREATE TABLE marketing.salesforce_contact AS SELECT 'sf-' || range AS id FROM range(3);
  CREATE TABLE marketing.zendesk_tickets AS SELECT range AS id FROM range(2);
  CREATE TABLE marketing._ih_quarantine AS SELECT 'bad' AS reason;
  CREATE TABLE marketing.big AS SELECT range AS n FROM range(100000);
  CREATE SEQUENCE marketing.ticket_numbers;`,
);

const destination = () => ({ kind: 'duckdb', path: warehouse.file, schema: 'marketing' });

async function connectorFor(userId: string, credential?: string): Promise<string> {
  const body = connectorBody(userId);
  const configuration = { ...(body.configuration as Record<string, unknown>), destination: destination() };
  return createConnector(api, { ...body, configuration }, credential);
}

let adminConnector: string;
beforeAll(async () => {
  adminConnector = await connectorFor(`owner-${randomUUID()}`);
});

const ask = (sql: string, credential?: string, extra: Record<string, unknown> = {}) =>
  api.call('POST', QUERY, { json: { sql, connectorId: adminConnector, ...extra } }, credential);

describe('the role matrix', () => {
  test('a campaign lead reads the models and is refused a stream table with 403 naming it', async () => {
    const lead = await api.keyFor('campaign-lead');
    const models = await ask('SELECT count(*) AS customers FROM customer', lead);
    expect(models).toMatchObject({ status: 200, body: { rows: [{ customers: 5 }], tables: ['marketing.customer'] } });
    const refused = await ask('SELECT c.email FROM customer c JOIN marketing.salesforce_contact s ON true', lead);
    expect(refused).toMatchObject({ status: 403, body: { message: expect.stringContaining('marketing.salesforce_contact') } });
  });

  test("a creative analyst reads the models and their own connectors' tables, not another source's", async () => {
    const analyst = `analyst-${randomUUID()}`;
    const key = await api.keyFor('creative-analyst', analyst);
    const own = await connectorFor(analyst, key);
    const mine = await ask('SELECT count(*) AS n FROM salesforce_contact', key, { connectorId: own });
    expect(mine).toMatchObject({ status: 200, body: { rows: [{ n: 3 }] } });
    const theirs = await ask('SELECT * FROM zendesk_tickets', key, { connectorId: own });
    expect(theirs).toMatchObject({ status: 403, body: { message: expect.stringContaining('marketing.zendesk_tickets') } });
    const quarantine = await ask('SELECT * FROM _ih_quarantine', key, { connectorId: own });
    expect(quarantine).toMatchObject({ status: 403, body: { message: expect.stringContaining('marketing._ih_quarantine') } });
    const notOwn = await ask('SELECT 1', key, { connectorId: adminConnector });
    expect(notOwn).toMatchObject({ status: 403 });
  });

  test('a data scientist reads every table, the quarantine included', async () => {
    const scientist = await api.keyFor('data-scientist');
    const response = await ask('SELECT reason FROM marketing._ih_quarantine', scientist);
    expect(response).toMatchObject({ status: 200, body: { rows: [{ reason: 'bad' }], columns: ['reason'], truncated: false } });
  });

  test('a common table expression is not a table, but only where it is in scope', async () => {
    const lead = await api.keyFor('campaign-lead');
    const cte = await ask('WITH salesforce_contact AS (SELECT 1 AS x) SELECT x FROM salesforce_contact', lead);
    expect(cte).toMatchObject({ status: 200, body: { rows: [{ x: 1 }], tables: [] } });
    const outOfScope = await ask(
      'SELECT * FROM (WITH salesforce_contact AS (SELECT 1 AS x) SELECT x FROM salesforce_contact) a, salesforce_contact',
      lead,
    );
    expect(outOfScope).toMatchObject({ status: 403, body: { message: expect.stringContaining('marketing.salesforce_contact') } });
  });
});

describe('read only', () => {
  test.each([
    ['DELETE FROM customer', 'single_select'],
    ['CREATE TABLE x AS SELECT 1', 'single_select'],
    ['SELECT 1; SELECT 2', 'single_statement'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'no_table_functions'],
    ["SELECT * FROM '/etc/hosts.csv'", 'no_files'],
    ["SELECT getenv('HOME')", 'no_system_functions'],
  ])('%s is refused with 400 naming the rule %s', async (sql, rule) => {
    const response = await ask(sql);
    expect(response).toMatchObject({ status: 400, body: { issues: [{ path: 'sql', rule }] } });
  });

  test('the engine refuses a write hidden in a SELECT: the transaction is read only', async () => {
    const response = await ask("SELECT nextval('marketing.ticket_numbers') AS n");
    expect(response).toMatchObject({ status: 400, body: { issues: [{ path: 'sql', rule: 'warehouse_refused' }] } });
  });
});

describe('limits and audit', () => {
  test('at most maxRows rows come back, and truncated says there were more', async () => {
    const response = await ask('SELECT n FROM big ORDER BY n', undefined, { maxRows: 10 });
    expect(response).toMatchObject({ status: 200, body: { rowCount: 10, truncated: true } });
    expect((response.body as { rows: { n: number }[] }).rows.map((row) => row.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('params are bound to ? placeholders, never spliced; a statement they do not match is a 400', async () => {
    expect(await ask('SELECT ? AS v, count(*) AS n FROM big WHERE n < ?', undefined, { params: ["o'neil\\", 3] })).toMatchObject({
      status: 200,
      body: { rows: [{ v: "o'neil\\", n: 3 }] },
    });
    expect(await ask('SELECT ? AS v FROM customer', undefined, { params: [] })).toMatchObject({
      status: 400,
      body: { issues: [{ path: 'sql', rule: 'warehouse_refused' }] },
    });
  });

  test('a statement running past timeoutMs is cancelled in the engine: 408', async () => {
    const started = Date.now();
    const response = await ask('SELECT sum(a.n * b.n) FROM big a, big b', undefined, { timeoutMs: 300 });
    expect(response).toMatchObject({ status: 408, body: { error: 'statement_timeout' } });
    expect(Date.now() - started).toBeLessThan(10_000);
    // The instance is still there for the product: the next statement runs.
    expect(await ask('SELECT count(*) AS n FROM customer')).toMatchObject({ status: 200, body: { rows: [{ n: 5 }] } });
  });

  test('each query leaves an audit row: who, the SHA-256 of the SQL, rows and time — never the rows themselves', async () => {
    const sql = `SELECT email FROM customer WHERE customer_id < 2 -- ${randomUUID()}`;
    expect(await ask(sql)).toMatchObject({ status: 200, body: { rowCount: 2 } });
    const entries = await api.store.audit.list(adminConnector);
    const entry = entries.find(
      (e) => e.activityType === 'warehouse.query' && e.details.sqlSha256 === createHash('sha256').update(sql).digest('hex'),
    );
    expect(entry?.details).toMatchObject({
      outcome: 'ok',
      rows: 2,
      durationMs: expect.any(Number),
      tables: ['marketing.customer'],
      actor: { subject: 'test-admin', role: 'admin' },
    });
    expect(JSON.stringify(entry)).not.toContain('@example.com');
    expect(JSON.stringify(entry)).not.toContain('SELECT');
  });
});

const databaseUrl = process.env.TEST_DATABASE_URL;
const onPostgres = databaseUrl ? describe : describe.skip;

onPostgres('on a PostgreSQL warehouse (TEST_DATABASE_URL)', () => {
  const schema = `ihq_${randomUUID().slice(0, 8)}`;
  let connectorId: string;
  let admin: PgClient;

  beforeAll(async () => {
    admin = new PgClient({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.customer AS SELECT n AS customer_id FROM generate_series(1, 50) n;
      CREATE TABLE ${schema}.salesforce_contact AS SELECT 'sf-' || n AS id FROM generate_series(1, 3) n;
      CREATE SEQUENCE ${schema}.ticket_numbers;`);
    const body = connectorBody(`owner-${randomUUID()}`);
    const configuration = {
      ...(body.configuration as Record<string, unknown>),
      destination: { kind: 'postgres', url: databaseUrl, schema },
    };
    connectorId = await createConnector(api, { ...body, configuration });
  });
  afterAll(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
  });

  const onPg = (sql: string, credential?: string, extra: Record<string, unknown> = {}) =>
    api.call('POST', QUERY, { json: { sql, connectorId, ...extra } }, credential);

  test('the same roles: a campaign lead reads the models, not a stream table', async () => {
    const lead = await api.keyFor('campaign-lead');
    expect(await onPg('SELECT count(*)::int AS n FROM customer', lead)).toMatchObject({ status: 200, body: { rows: [{ n: 50 }] } });
    expect(await onPg('SELECT * FROM salesforce_contact', lead)).toMatchObject({ status: 403 });
  });

  test('PostgreSQL refuses a write in a SELECT, cancels a long statement, and the row limit holds', async () => {
    expect(await onPg(`SELECT nextval('${schema}.ticket_numbers')`)).toMatchObject({
      status: 400,
      body: { issues: [{ path: 'sql', rule: 'warehouse_refused' }] },
    });
    expect(await onPg('SELECT pg_sleep(5)', undefined, { timeoutMs: 300 })).toMatchObject({ status: 408 });
    // Values are bound ($1…), never spliced: a quote is a character; more values than placeholders is the caller's 400.
    expect(
      await onPg('SELECT $1::text AS v, count(*)::int AS n FROM customer WHERE customer_id <= $2', undefined, { params: ["o'neil\\", 3] }),
    ).toMatchObject({
      status: 200,
      body: { rows: [{ v: "o'neil\\", n: 3 }] },
    });
    expect(await onPg('SELECT 1 AS one', undefined, { params: ['extra'] })).toMatchObject({
      status: 400,
      body: { issues: [{ path: 'sql', rule: 'warehouse_refused' }] },
    });
    expect(await onPg('SELECT customer_id FROM customer ORDER BY customer_id', undefined, { maxRows: 7 })).toMatchObject({
      status: 200,
      body: { rowCount: 7, truncated: true, rows: [{ customer_id: 1 }, { customer_id: 2 }, {}, {}, {}, {}, { customer_id: 7 }] },
    });
  });
});
