/**
 * PostgreSQL as the warehouse: the shared conformance suite against a real server (TEST_DATABASE_URL,
 * or one started by scripts/postgres.sh), in a database of this file's own, a fresh schema per test.
 * Then what is PostgreSQL's own: column types, read-only queries, PG* environment variables, and
 * concurrent loads of one batch.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { connectWarehouse } from '../../activities/warehouses';
import { postgresWarehouse } from '../../activities/warehouses/postgres';
import { describeOnPostgres } from '../store/on-postgres';
import { describeWarehouseConformance } from './conformance';
import { people, peopleWithNickname, person, useBatchFactory } from './fixtures';

describeOnPostgres('PostgreSQL', (freshDatabaseUrl) => {
  let fileDatabaseUrl: string | undefined;
  const databaseUrl = (): string => {
    if (!fileDatabaseUrl) throw new Error('the database is created in beforeAll');
    return fileDatabaseUrl;
  };
  beforeAll(async () => {
    fileDatabaseUrl = await freshDatabaseUrl();
  });

  const freshSchema = (): string => `conformance_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

  describeWarehouseConformance({
    plugin: postgresWarehouse,
    async freshDestination() {
      const schema = freshSchema();
      return { config: { kind: 'postgres', url: databaseUrl(), schema }, dataDir: tmpdir(), schema };
    },
  });

  describe('postgres warehouse', () => {
    const batches = useBatchFactory('ih-postgres-');

    const connect = (schema = freshSchema()) => connectWarehouse({ kind: 'postgres', url: databaseUrl(), schema }, batches().root);

    test('tables carry the stream types and the primary key', async () => {
      const schema = freshSchema();
      const warehouse = await connect(schema);
      try {
        await warehouse.ensureTable(peopleWithNickname);
        const columns = await warehouse.query(
          `select column_name, data_type from information_schema.columns
           where table_schema = $1 and table_name = $2 order by ordinal_position`,
          [schema, people.table],
        );
        expect(Object.fromEntries(columns.map((c) => [c.column_name, c.data_type]))).toEqual({
          id: 'text',
          customer_id: 'text',
          email: 'text',
          score: 'bigint',
          rating: 'double precision',
          is_active: 'boolean',
          birthday: 'date',
          attributes: 'jsonb',
          modified_at: 'timestamp with time zone',
          is_deleted: 'boolean',
          nickname: 'text',
          _ih_load_id: 'text',
          _ih_loaded_at: 'timestamp with time zone',
          _ih_source: 'text',
          _ih_connector_id: 'text',
        });
        const [key] = await warehouse.query(
          `select a.attname as name from pg_index i
           join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
           where i.indrelid = $1::regclass and i.indisprimary`,
          [`${schema}.${people.table}`],
        );
        expect(key).toEqual({ name: 'id' });
      } finally {
        await warehouse.close();
      }
    });

    test('query is read-only and binds its parameters', async () => {
      const schema = freshSchema();
      const warehouse = await connect(schema);
      try {
        await warehouse.ensureTable(people);
        await expect(warehouse.query(`drop table ${schema}.${people.table}`)).rejects.toThrow(/read-only/);
        const rows = await warehouse.query('select $1::text as quoted, $2::bigint + 1 as next', ["o'brien", 41]);
        expect(rows).toEqual([{ quoted: "o'brien", next: 42 }]);
      } finally {
        await warehouse.close();
      }
    });

    test('without a URL the connection comes from the PG* environment variables', async () => {
      const url = new URL(databaseUrl());
      const saved = { ...process.env };
      Object.assign(process.env, {
        PGHOST: url.hostname,
        PGPORT: url.port,
        PGUSER: decodeURIComponent(url.username),
        PGDATABASE: url.pathname.slice(1),
      });
      try {
        const warehouse = await connectWarehouse({ kind: 'postgres', schema: freshSchema() }, batches().root);
        try {
          expect(await warehouse.query('select current_database() as name')).toEqual([{ name: url.pathname.slice(1) }]);
        } finally {
          await warehouse.close();
        }
      } finally {
        process.env = saved;
      }
    });

    test('two workers loading the same batch at once load it once', async () => {
      const schema = freshSchema();
      const [first, second] = [await connect(schema), await connect(schema)];
      try {
        await first.ensureTable(people);
        const batch = await batches().batch([person('p1'), person('p2')], [{ record: person('q1'), reasons: ['rule'] }]);
        const results = await Promise.all([first.load(batch), second.load(batch)]);

        expect(results.map((r) => r.alreadyLoaded).sort()).toEqual([false, true]);
        expect(await first.query(`select id from ${schema}.${people.table} order by id`)).toEqual([{ id: 'p1' }, { id: 'p2' }]);
        expect(await first.query(`select count(*) as n from ${schema}._ih_quarantine`)).toEqual([{ n: 1 }]);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });

    test('an unreachable server is a transient error that names no credentials', async () => {
      const warehouse = await connectWarehouse(
        { kind: 'postgres', url: 'postgres://someone:s3cret-password@127.0.0.1:1/nowhere', schema: 'marketing' },
        batches().root,
      );
      try {
        const failure = warehouse.ensureTable(people);
        await expect(failure).rejects.toMatchObject({ category: 'transient' });
        await expect(failure).rejects.not.toThrow(/s3cret/);
      } finally {
        await warehouse.close();
      }
    });
  });
});
