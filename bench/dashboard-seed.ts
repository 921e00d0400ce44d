/**
 * The history bench/dashboard-api.ts reads: connectors made through the store, then their run
 * reports, quality reports, daily metrics, API usage and audit entries written in bulk SQL (a cycle a
 * minute for 90 days is 129,600 reports per connector: far too many to save one by one here).
 */
import { createConnectorSchema } from '../domain/connector';
import type { SqlClient } from '../activities/store/sql-client';
import type { Store } from '../activities/store/store';
import type { SharedDatabase } from '../activities/warehouses/duckdb/connection';

export interface SeedOptions {
  connectors: number;
  everyMinute: number;
  days: number;
  warehouseFile: string;
}

export interface Seeded {
  runs: number;
  /** A connector run every minute. */
  busiest: string;
  /** A connector run every 15 minutes. */
  quiet: string;
}

const STREAMS = `jsonb_build_array(jsonb_build_object('stream', 'contact', 'outcome', 'loaded', 'batches', 1, 'extracted', 105,
  'loaded', 100, 'deleted', 0, 'quarantined', 5, 'apiCalls', 3, 'failuresByRule', jsonb_build_object('not_null(email)', 5)))`;

/** $1: [{id, every}] (every in seconds), $2: now, $3: days. */
const CONNECTORS = `(SELECT x.id, x.every FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, every int)) c`;

const RUNS = `
  INSERT INTO cycle_run (workflow_id, connector_id, status, started_at, finished_at, streams)
  SELECT 'cycle/' || c.id || '/' || g.n, c.id, CASE WHEN g.n % 97 = 0 THEN 'failed' ELSE 'completed' END,
         $2::timestamptz - make_interval(secs => g.n * c.every), $2::timestamptz - make_interval(secs => g.n * c.every - 20), ${STREAMS}
    FROM ${CONNECTORS} CROSS JOIN LATERAL generate_series(1, $3 * 86400 / c.every) g(n)`;

const QUALITY_REPORTS = `
  INSERT INTO quality_report (connector_id, stream, batch_sha256, report, created_at)
  SELECT c.id, 'contact', md5(c.id::text || g.n) || md5(g.n || c.id::text),
         jsonb_build_object('success', false, 'results', jsonb_build_array(
           jsonb_build_object('expectation_config', jsonb_build_object('type', 'expect_column_values_to_not_be_null', 'kwargs', jsonb_build_object('column', 'email')),
                              'result', jsonb_build_object('element_count', 105, 'unexpected_count', 5)),
           jsonb_build_object('expectation_config', jsonb_build_object('type', 'expect_column_values_to_be_unique', 'kwargs', jsonb_build_object('column', 'id')),
                              'result', jsonb_build_object('element_count', 105, 'unexpected_count', 0)))),
         $2::timestamptz - make_interval(hours => g.n)
    FROM ${CONNECTORS} CROSS JOIN LATERAL generate_series(1, $3 * 24) g(n)`;

const METRICS = `
  INSERT INTO connector_metrics (config_id, user_id, date, metrics)
  SELECT c.id, 'bench', ($2::timestamptz - make_interval(days => g.n))::date,
         jsonb_build_object('runs', 86400 / c.every, 'rowsLoaded', 100 * 86400 / c.every, 'costUsd', 0.25, 'apiCalls', 3 * 86400 / c.every)
    FROM ${CONNECTORS} CROSS JOIN LATERAL generate_series(0, $3 - 1) g(n)`;

const API_USAGE = `
  INSERT INTO api_usage (connector_id, source, scope, window_start, used, usage_limit)
  SELECT c.id::text, 'salesforce', 'requests/minute', date_trunc('minute', $2::timestamptz) - make_interval(mins => g.n), 40 + g.n % 100, 150
    FROM ${CONNECTORS} CROSS JOIN LATERAL generate_series(0, least(1439, $3 * 1440 - 1)) g(n)`;

const AUDIT = `
  INSERT INTO connector_activity (config_id, user_id, activity_type, details, created_at)
  SELECT c.id, 'bench', 'cycle.completed', jsonb_build_object('workflowId', 'cycle/' || c.id || '/' || g.n),
         $2::timestamptz - make_interval(hours => g.n)
    FROM ${CONNECTORS} CROSS JOIN LATERAL generate_series(1, $3 * 24) g(n)`;

export async function seedHistory(client: SqlClient, store: Store, options: SeedOptions): Promise<Seeded> {
  const connectors: { id: string; every: number }[] = [];
  for (let i = 0; i < options.connectors; i += 1) {
    const everyMinute = i < options.everyMinute;
    const connector = await store.connectors.create(
      createConnectorSchema.parse({
        userId: `bench-user-${i % 10}`,
        name: `bench connector ${i}`,
        configuration: {
          source: {
            kind: 'salesforce',
            loginUrl: 'http://127.0.0.1:1/login',
            auth: {
              type: 'oauth-password',
              clientId: 'bench',
              username: 'bench',
              clientSecret: 'bench-secret',
              password: 'bench-password',
            },
          },
          destination: { kind: 'duckdb', path: options.warehouseFile, schema: 'marketing' },
          schedule: { every: everyMinute ? '1m' : '15m' },
        },
      }),
    );
    connectors.push({ id: connector.id, every: everyMinute ? 60 : 900 });
  }
  const params = [JSON.stringify(connectors), new Date().toISOString(), options.days];
  for (const statement of [RUNS, QUALITY_REPORTS, METRICS, API_USAGE, AUDIT]) await client.query(statement, params);
  const runs = connectors.reduce((total, c) => total + Math.floor((options.days * 86_400) / c.every), 0);
  const [busiest, quiet] = [connectors[0], connectors.at(-1)];
  if (!busiest || !quiet) throw new Error('--connectors must be at least 1');
  return { runs, busiest: busiest.id, quiet: quiet.id };
}

/** The customer model's columns a segmentation filters on, for `rows` people. */
export async function seedCustomers(warehouse: SharedDatabase, rows: number): Promise<void> {
  await warehouse.exclusive((c) =>
    c.run(`CREATE SCHEMA IF NOT EXISTS marketing;
      CREATE OR REPLACE TABLE marketing.customer AS
      SELECT 'c-' || range AS customer_key, 'CID-' || range AS customer_id,
             (['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CA'])[1 + range % 8] AS country,
             (['Web', 'Event', 'Partner', 'Email'])[1 + range % 4] AS lead_source,
             range % 5 AS campaigns, range % 7 AS emails_opened, range % 3 AS emails_clicked, range % 4 AS tickets,
             ((range % 11) - 5) / 5.0 AS avg_ticket_sentiment,
             TIMESTAMP '2026-01-01' + to_days(CAST(range % 330 AS INTEGER)) AS last_activity_at
        FROM range(${Math.floor(rows)})`),
  );
}
