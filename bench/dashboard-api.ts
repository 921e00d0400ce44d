/**
 * The dashboard's read side on a long history: seeds `--days` (90) of runs for `--connectors` (50)
 * connectors, `--every-minute` (5) of them scheduled every minute and the rest every 15 minutes, with
 * quality reports, daily metrics, API usage and audit entries, rolls them up as the store does, and
 * puts `--customers` (1,000,000) rows in a DuckDB `marketing.customer` (the customer model's
 * columns). Then it serves the real API (a Temporal dev server for the schedule facts) and measures
 * p50/p95 of each dashboard call and /analyze, sequentially and with `--users` (50) concurrent users.
 *
 *   npx tsx bench/dashboard-api.ts --store pglite
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:54329/postgres npx tsx bench/dashboard-api.ts --store postgres
 *
 * On PostgreSQL it creates (and drops first) the database `--database` (insight_hub_bench) next to DATABASE_URL's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { createApp } from '../api/app';
import { issueApiKey } from '../api/auth/issue-api-key';
import { WHOAMI_PATH } from '../api/auth/policy';
import { startApiServer } from '../api/server';
import { openSqlClient } from '../activities/store';
import { rollUpHistory } from '../activities/store/rollups';
import type { SqlClient } from '../activities/store/sql-client';
import { sqlStore } from '../activities/store/store';
import { ephemeralKeyRing } from '../activities/secrets';
import { acquire, release } from '../activities/warehouses/duckdb/connection';
import { startTestServer, stopTestServer, TEST_ADDRESS_VARIABLE } from '../test/support/test-server';
import { seedCustomers, seedHistory } from './dashboard-seed';

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'pglite' },
    connectors: { type: 'string', default: '50' },
    'every-minute': { type: 'string', default: '5' },
    days: { type: 'string', default: '90' },
    customers: { type: 'string', default: '1000000' },
    users: { type: 'string', default: '50' },
    requests: { type: 'string', default: '40' },
    database: { type: 'string', default: 'insight_hub_bench' },
  },
});
const count = (name: keyof typeof args): number => Number(args[name]);

async function benchDatabaseUrl(): Promise<string> {
  const base = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('--store postgres needs DATABASE_URL (or TEST_DATABASE_URL)');
  const admin = new PgClient({ connectionString: base });
  await admin.connect();
  const database = args.database ?? 'insight_hub_bench';
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error('--database: lower-case letters, digits and _ only');
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface Call {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

async function timed(url: string, key: string, call: Call): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}${call.path}`, {
    method: call.method,
    headers: { authorization: `Bearer ${key}`, ...(call.body ? { 'content-type': 'application/json' } : {}) },
    body: call.body ? JSON.stringify(call.body) : null,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${call.name}: ${response.status}`);
  return performance.now() - started;
}

/** `keys`: one API key per user; the sequential requests use the first. */
async function measure(url: string, keys: readonly string[], call: Call, requests: number): Promise<string> {
  const [key] = keys;
  if (key === undefined) throw new Error('--users must be at least 1');
  await timed(url, key, call); // warm
  const sequential: number[] = [];
  for (let i = 0; i < requests; i += 1) sequential.push(await timed(url, key, call));
  const concurrent: number[] = [];
  await Promise.all(
    keys.map(async (own) => {
      for (let i = 0; i < Math.max(2, Math.floor(requests / 10)); i += 1) concurrent.push(await timed(url, own, call));
    }),
  );
  const [s, c] = [sequential.sort((a, b) => a - b), concurrent.sort((a, b) => a - b)];
  const ms = (value: number): string => value.toFixed(value < 10 ? 1 : 0);
  return `| ${call.name} | ${ms(percentile(s, 50))} | ${ms(percentile(s, 95))} | ${ms(percentile(c, 50))} | ${ms(percentile(c, 95))} |`;
}

async function main(): Promise<void> {
  const onPostgres = args.store === 'postgres';
  const client: SqlClient = await openSqlClient(onPostgres ? { databaseUrl: await benchDatabaseUrl() } : {});
  const store = sqlStore(client, ephemeralKeyRing());
  await store.migrate();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-bench-'));
  const warehouseFile = path.join(dataDir, 'warehouse.duckdb');

  let started = performance.now();
  const seeded = await seedHistory(client, store, {
    connectors: count('connectors'),
    everyMinute: count('every-minute'),
    days: count('days'),
    warehouseFile,
  });
  const seededIn = (performance.now() - started) / 1000;
  started = performance.now();
  await rollUpHistory(client);
  const rolledIn = (performance.now() - started) / 1000;
  // Held as the demo's worker holds it: the API reads through this instance.
  const warehouse = await acquire(warehouseFile);
  await seedCustomers(warehouse, count('customers'));

  await startTestServer();
  const connection = await Connection.connect({ address: process.env[TEST_ADDRESS_VARIABLE] ?? '' });
  const temporal = new Client({ connection });
  const server = await startApiServer({ app: createApp({ store, temporal, dataDir, authentication: { jwt: {} } }), port: 0 });
  // Each user signs in with a key of their own: admins, who see every connector.
  const keys: string[] = [];
  for (let user = 0; user < count('users'); user += 1) {
    keys.push((await issueApiKey(store, { subject: `bench-admin-${user}`, role: 'admin' }, 'bench')).key);
  }

  const from = new Date(Date.now() - count('days') * 86_400_000).toISOString().slice(0, 10);
  const calls: Call[] = [
    {
      name: `/analyze, ${count('days')} days, a connector run every minute`,
      method: 'GET',
      path: `/api/v1/data-warehouse-connector/${seeded.busiest}/analyze?from=${from}`,
    },
    {
      name: '/analyze, all history, a connector run every 15 min',
      method: 'GET',
      path: `/api/v1/data-warehouse-connector/${seeded.quiet}/analyze`,
    },
    { name: 'Connectors page: /connector-health (7 days)', method: 'GET', path: '/api/v1/connector-health' },
    { name: `ROI: /roi (${count('days')} days)`, method: 'GET', path: `/api/v1/roi?from=${from}` },
    { name: 'Runs and audit: /audit-log (100)', method: 'GET', path: '/api/v1/audit-log?limit=100' },
    { name: 'Runs and audit: /metrics (100)', method: 'GET', path: '/api/v1/metrics?limit=100' },
    { name: 'Approvals: /decisions (100)', method: 'GET', path: '/api/v1/decisions?limit=100' },
    {
      name: `segmentation on ${count('customers').toLocaleString('en')} customers`,
      method: 'POST',
      path: '/api/v1/warehouse/query',
      body: {
        connectorId: seeded.busiest,
        sql: `SELECT country, count(*) AS customers, avg(avg_ticket_sentiment) AS sentiment, sum(emails_clicked) AS clicks
                FROM customer WHERE campaigns > 0 AND emails_opened >= 2 AND last_activity_at >= TIMESTAMP '2026-01-01'
               GROUP BY country ORDER BY customers DESC`,
      },
    },
    {
      name: 'drill-through: one customer',
      method: 'POST',
      path: '/api/v1/warehouse/query',
      body: { connectorId: seeded.busiest, sql: `SELECT * FROM customer WHERE customer_key = 'c-424242'` },
    },
  ];
  console.log(
    `store: ${onPostgres ? 'PostgreSQL 15' : 'PGlite (in memory)'}; ${seeded.runs.toLocaleString('en')} run reports seeded in ${seededIn.toFixed(0)} s, rolled up in ${rolledIn.toFixed(1)} s`,
  );
  // The users' first burst opens their HTTP connections and the store pool's (this process is
  // client and server): timed apart, so the table measures serving, not the first connections.
  const firstBurst = await Promise.all(keys.map((own) => timed(server.url, own, { name: 'who am I', method: 'GET', path: WHOAMI_PATH })));
  console.log(
    `${count('users')} users' first requests (${WHOAMI_PATH}, connections opening): max ${Math.max(...firstBurst).toFixed(0)} ms`,
  );
  console.log(`| call | p50 ms | p95 ms | p50 ms, ${count('users')} users | p95 ms, ${count('users')} users |\n|---|---|---|---|---|`);
  for (const call of calls) console.log(await measure(server.url, keys, call, count('requests')));

  await server.close();
  await connection.close();
  await stopTestServer();
  await release(warehouse);
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
