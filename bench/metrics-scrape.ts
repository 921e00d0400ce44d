/**
 * What one Prometheus scrape of the API costs the control plane: the store's live figures
 * (activities/store/live-figures.ts) read on PostgreSQL holding a long run history. Seeds
 * `--connectors` connectors with `--runs` finished cycles each (two streams, one in ten failed), a
 * pending approval each and a day of API usage, then times `--scrapes` reads.
 *
 *   TEST_DATABASE_URL=postgresql://… npx tsx bench/metrics-scrape.ts --connectors 50 --runs 4000 --scrapes 20
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { ephemeralKeyRing } from '../activities/secrets';
import { openStore } from '../activities/store';

const { values } = parseArgs({
  options: {
    connectors: { type: 'string', default: '50' },
    runs: { type: 'string', default: '4000' },
    scrapes: { type: 'string', default: '20' },
  },
});
const connectors = Number(values.connectors);
const runs = Number(values.runs);
const scrapes = Number(values.scrapes);

async function main(): Promise<void> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('set TEST_DATABASE_URL to a PostgreSQL server the bench may create a database on');
  const name = `metrics_bench_${randomUUID().replace(/-/g, '')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    const store = await openStore({ databaseUrl: url.toString(), secrets: ephemeralKeyRing() });
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    const seeded = Date.now();
    await db.query(
      `INSERT INTO connector_config (user_id, name, configuration)
       SELECT 'bench', 'connector ' || i, '{"source": {"kind": "salesforce", "streams": ["contact", "lead"]}, "guardrails": {"freshnessTargetMinutes": 60}}'
         FROM generate_series(1, $1) i`,
      [connectors],
    );
    await db.query(
      `INSERT INTO cycle_run (workflow_id, connector_id, status, started_at, finished_at, streams)
       SELECT 'cycle/' || c.id || '/' || n, c.id, CASE WHEN n % 10 = 0 THEN 'failed' ELSE 'completed' END,
              now() - make_interval(mins => 15 * n), now() - make_interval(mins => 15 * n - 1),
              '[{"stream": "contact", "outcome": "loaded"}, {"stream": "lead", "outcome": "loaded"}]'::jsonb
         FROM connector_config c CROSS JOIN generate_series(1, $1) n`,
      [runs],
    );
    await db.query(
      `INSERT INTO approval (approval_id, connector_id, workflow_id, stream, request, opened_at)
       SELECT 'cycle/' || id || '/open~contact~x', id, 'cycle/' || id || '/open', 'contact',
              jsonb_build_object('deadline', now() + interval '20 hours'), now() - interval '4 hours'
         FROM connector_config`,
    );
    await db.query(
      `INSERT INTO api_usage (connector_id, source, scope, window_start, used, usage_limit)
       SELECT id, 'salesforce', 'rate', date_trunc('minute', now()) - make_interval(mins => m), 120, 150
         FROM connector_config CROSS JOIN generate_series(0, 1439) m`,
    );
    await db.query('ANALYZE');
    await db.end();
    process.stdout.write(
      `seeded ${connectors} connectors × ${runs} runs (${connectors * runs} run reports) in ${Date.now() - seeded} ms\n`,
    );

    const times: number[] = [];
    for (let i = 0; i < scrapes; i += 1) {
      const started = performance.now();
      const figures = await store.liveFigures.read();
      times.push(performance.now() - started);
      if (figures.freshness.length !== connectors * 2)
        throw new Error(`expected ${connectors * 2} streams, read ${figures.freshness.length}`);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(1);
    process.stdout.write(`one scrape's store read: median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms (${scrapes} reads)\n`);
    await store.close();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
