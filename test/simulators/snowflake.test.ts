/**
 * The Snowflake simulator driven by the real snowflake-sdk: login, column-wise binds, DML counts,
 * Snowflake's error codes and transaction rules, PUT to a LOCAL_FS stage and COPY INTO, sessions.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as snowflake from 'snowflake-sdk';
import type { Binds, Connection } from 'snowflake-sdk';
import { SIMULATOR_USER, type SnowflakeSimulator, startSnowflakeSimulator } from '../../simulators/snowflake/server';

let simulator: SnowflakeSimulator;
let scratch: string;
const open: Connection[] = [];

beforeAll(async () => {
  snowflake.configure({ logLevel: 'OFF' });
  simulator = await startSnowflakeSimulator({ stageRoot: path.join(tmpdir(), `ih-sf-stages-${process.pid}`) });
  scratch = await mkdtemp(path.join(tmpdir(), 'ih-sf-sim-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => new Promise<void>((resolve) => c.destroy(() => resolve()))));
});
afterAll(async () => {
  await simulator.stop();
  await rm(scratch, { recursive: true, force: true });
});

function connect(password = SIMULATOR_USER.password): Promise<Connection> {
  const connection = snowflake.createConnection({
    accessUrl: simulator.url,
    account: simulator.account,
    username: SIMULATOR_USER.name,
    password,
    database: 'SIM_TEST',
  });
  open.push(connection);
  return new Promise((resolve, reject) => connection.connect((error, c) => (error ? reject(error) : resolve(c))));
}

interface Outcome {
  rows: Record<string, unknown>[];
  updated: number | undefined;
}

function run(connection: Connection, sqlText: string, binds?: Binds): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    connection.execute({
      sqlText,
      ...(binds ? { binds } : {}),
      complete: (error, statement, rows) => (error ? reject(error) : resolve({ rows: rows ?? [], updated: statement.getNumUpdatedRows() })),
    });
  });
}

test('a wrong password is refused with 390100 and no session; the right one logs in', async () => {
  await expect(connect('wrong')).rejects.toMatchObject({ code: '390100' });
  const connection = await connect();
  expect(connection.isUp()).toBe(true);
  expect(await run(connection, 'select 1 as one')).toMatchObject({ rows: [{ ONE: 1 }] });
});

test('column-wise array binds insert every row or, when one row does not fit, none', async () => {
  const c = await connect();
  await run(c, 'create or replace table binds_t (id varchar, n number(38,0))');

  const inserted = await run(c, 'insert into binds_t (id, n) values (?, ?)', [
    ['a', 1],
    ['b', null],
    ['c', 3],
  ]);
  expect(inserted.updated).toBe(3);
  await expect(
    run(c, 'insert into binds_t (id, n) values (?, ?)', [
      ['d', '4'],
      ['e', 'five'],
    ]),
  ).rejects.toMatchObject({
    code: '100038',
    sqlState: '22018',
  });
  const { rows } = await run(c, 'select id, n from binds_t order by id');
  expect(rows).toEqual([
    { ID: 'a', N: 1 },
    { ID: 'b', N: null },
    { ID: 'c', N: 3 },
  ]);
});

test('DML reports its row counts; values come back in their types', async () => {
  const c = await connect();
  await run(c, 'create or replace table typed_t (id varchar, score float, seen date, seen_at timestamp_tz, doc variant, ok boolean)');
  await run(c, `insert into typed_t select 'a', 1.5, '2024-02-29', '2026-01-05T12:30:45.123+02:00', parse_json('{"k":[1]}'), true`);
  await run(c, `insert into typed_t (id) values ('b')`);

  expect((await run(c, `update typed_t set score = 2 where id = 'a'`)).updated).toBe(1);
  const merged = await run(
    c,
    `merge into typed_t t using (select 'b' as id union all select 'c') s on t.id = s.id
     when matched then update set ok = false when not matched then insert (id) values (s.id)`,
  );
  expect(merged.updated).toBe(2);
  expect((await run(c, `delete from typed_t where id = :1`, ['c'])).updated).toBe(1);

  const [a] = (await run(c, `select * from typed_t where id = 'a'`)).rows;
  expect(a).toMatchObject({ SCORE: 2, DOC: { k: [1] }, OK: true });
  expect(a?.SEEN).toBeInstanceOf(Date);
  expect((a?.SEEN_AT instanceof Date ? a.SEEN_AT : null)?.toISOString()).toBe('2026-01-05T10:30:45.123Z');
});

test('SQL errors carry Snowflake codes; a request holds one statement', async () => {
  const c = await connect();
  await expect(run(c, 'select * from no_such_table')).rejects.toMatchObject({ code: '002003', sqlState: '42S02' });
  await expect(run(c, 'select 1; select 2')).rejects.toMatchObject({ code: '000008' });
});

test('DDL commits the open transaction, as in Snowflake; ROLLBACK undoes only what came after', async () => {
  const c = await connect();
  await run(c, 'create or replace table tx_t (id varchar)');
  await run(c, 'begin');
  await run(c, `insert into tx_t values ('kept')`);
  await run(c, 'create or replace table tx_other (id varchar)');
  await run(c, `insert into tx_t values ('outside any transaction')`);
  await run(c, 'rollback');

  expect((await run(c, 'select id from tx_t order by id')).rows).toEqual([{ ID: 'kept' }, { ID: 'outside any transaction' }]);
  await run(c, 'begin');
  await run(c, `insert into tx_t values ('undone')`);
  await run(c, 'rollback');
  expect((await run(c, 'select count(*) as n from tx_t')).rows).toEqual([{ N: 2 }]);
});

test('PUT uploads to a local stage, COPY INTO loads it by column name, PURGE empties the stage', async () => {
  const c = await connect();
  const file = path.join(scratch, 'people.ndjson');
  await writeFile(file, '{"id":"x1","score":5,"extra":"ignored"}\n{"ID":"x2","doc":{"a":null}}\n');
  await run(c, 'create or replace temporary table staged_t (id varchar, score number(38,0), doc variant, line number)');
  await run(c, 'create or replace temporary stage load_stage');

  const put = await run(c, `put 'file://${file}' @load_stage`);
  expect(put.rows).toEqual([expect.objectContaining({ source: 'people.ndjson', target: 'people.ndjson.gz', status: 'UPLOADED' })]);
  const copy = `copy into staged_t from @load_stage file_format = (type = json) match_by_column_name = case_insensitive
                include_metadata = (line = METADATA$FILE_ROW_NUMBER) purge = true`;
  expect((await run(c, copy)).rows).toEqual([expect.objectContaining({ file: 'people.ndjson.gz', rows_loaded: 2 })]);

  expect((await run(c, 'select id, score, doc, line from staged_t order by line')).rows).toEqual([
    { ID: 'x1', SCORE: 5, DOC: null, LINE: 1 },
    { ID: 'x2', SCORE: null, DOC: { a: null }, LINE: 2 },
  ]);
  expect((await run(c, copy)).rows).toEqual([{ status: 'Copy executed with 0 files processed.' }]);
});

test('temporary tables and stages belong to their session, which ends with the connection', async () => {
  const first = await connect();
  const second = await connect();
  await run(first, 'create temporary table mine (id varchar)');
  await run(first, 'create temporary stage my_stage');

  await expect(run(second, 'select * from mine')).rejects.toMatchObject({ code: '002003' });
  await expect(run(second, `put 'file://${scratch}/none.ndjson' @my_stage`)).rejects.toMatchObject({ code: '002003' });
  const sessions = simulator.sessionCount();
  await new Promise<void>((resolve) => first.destroy(() => resolve()));
  expect(simulator.sessionCount()).toBe(sessions - 1);
  expect(await readdir(path.join(tmpdir(), `ih-sf-stages-${process.pid}`))).toEqual([]);
});

test('a throttled request (HTTP 429) is retried by the driver and the statement completes', async () => {
  const c = await connect();
  simulator.throttleNextQuery();
  expect((await run(c, 'select 41 + 1 as answer')).rows).toEqual([{ ANSWER: 42 }]);
});
