/**
 * The Connectors page's one call (connector health) and ROI: figures from the daily roll-ups of
 * stored runs, quality reports, metrics and API usage; ROI against the settings a manager gives,
 * exported as CSV and Parquet, and "not enough history" instead of zeros.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadDriver } from '../../activities/warehouses/duckdb/connection';
import { qualityReport, runReport, sha256Of, streamReport } from '../store/fixtures';
import { connectorBody, createConnector, useApiHarness } from './harness';

const api = useApiHarness();

const DAY_MS = 86_400_000;
const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY_MS);
const dayOf = (date: Date): string => date.toISOString().slice(0, 10);

/** `days` days of one completed run each (the last one yesterday), 100 rows loaded, 5 quarantined, 10 API calls, 0.4 USD a day. */
async function connectorWithHistory(days: number, lastStatus: 'completed' | 'failed' = 'completed'): Promise<string> {
  const userId = `user-${randomUUID()}`;
  const connectorId = await createConnector(api, connectorBody(userId));
  for (let day = days; day >= 1; day -= 1) {
    const status = day === 1 ? lastStatus : 'completed';
    const streams = [streamReport('contact', { extracted: 105, loaded: 100, quarantined: 5, apiCalls: 10 })];
    await api.store.runs.save(runReport(connectorId, status, daysAgo(day), streams));
    await api.store.metrics.add({ connectorId, userId }, dayOf(daysAgo(day)), { costUsd: 0.4 });
  }
  return connectorId;
}

const healthSchema = z.object({
  connectors: z.array(
    z.object({
      connectorId: z.string(),
      health: z.string(),
      freshness: z.object({ seconds: z.number().nullable(), targetSeconds: z.number().nullable(), met: z.boolean().nullable() }),
      lastRuns: z.array(z.object({ status: z.string(), rowsLoaded: z.number() })),
      rowsLoaded: z.number(),
      rowsQuarantined: z.number(),
      qualityByRule: z.record(z.string(), z.number()),
      apiUsage: z.array(z.object({ scope: z.string(), share: z.number() })),
      costPerDay: z.array(z.object({ date: z.string(), usd: z.number() })),
    }),
  ),
});

describe('GET /api/v1/connector-health', () => {
  test('every connector with freshness against its target, last runs, rows, quality by rule, API usage and cost per day', async () => {
    const stale = await connectorWithHistory(10);
    const failing = await connectorWithHistory(3, 'failed');
    await api.store.qualityReports.save({
      connectorId: stale,
      stream: 'contact',
      batchSha256: sha256Of(`${stale}-report`),
      report: qualityReport(200, [{ type: 'expect_column_values_to_not_be_null', column: 'Email', unexpected: 10 }]),
    });
    await api.store.apiUsage.record({
      connectorId: stale,
      source: 'salesforce',
      scope: 'requests/minute',
      windowStart: new Date(),
      mode: 'set',
      used: 75,
      limit: 150,
    });

    const response = await api.call('GET', `/api/v1/connector-health?from=${dayOf(daysAgo(7))}`);
    expect(response.status).toBe(200);
    const byId = new Map(healthSchema.parse(response.body).connectors.map((c) => [c.connectorId, c]));
    const one = byId.get(stale);
    // Salesforce runs every 15 minutes: a day-old load misses the 30-minute target.
    expect(one).toMatchObject({ health: 'stale', freshness: { targetSeconds: 1800, met: false } });
    expect(one?.freshness.seconds).toBeGreaterThan(86_000);
    expect(one?.lastRuns).toHaveLength(5);
    expect(one).toMatchObject({ rowsLoaded: 700, rowsQuarantined: 35, qualityByRule: { 'not_null(Email)': 0.05 } });
    expect(one?.apiUsage).toEqual([expect.objectContaining({ scope: 'requests/minute', share: 0.5 })]);
    expect(one?.costPerDay).toHaveLength(7);
    expect(byId.get(failing)).toMatchObject({
      health: 'failing',
      lastRuns: [{ status: 'failed' }, { status: 'completed' }, { status: 'completed' }],
    });
  });
});

const SETTINGS = {
  hourlyRateUsd: 50,
  manualExportHoursPerWeek: 7,
  valuePerCaughtErrorUsd: 1,
  manualStalenessHours: 24,
  freshnessValuePerHourUsd: 0.5,
  apiCallCostUsd: 0.01,
  computeCostPerHourUsd: 3.6,
};

describe('ROI', () => {
  test('a manager sets the benefit figures; a campaign lead may read them but not change them', async () => {
    const lead = await api.keyFor('campaign-lead');
    expect(await api.call('PUT', '/api/v1/roi/settings', { json: { settings: { hourlyRateUsd: 1 } } }, lead)).toMatchObject({
      status: 403,
    });
    const manager = await api.keyFor('manager', 'ann-manager');
    const put = await api.call('PUT', '/api/v1/roi/settings', { json: { settings: SETTINGS } }, manager);
    expect(put).toMatchObject({ status: 200, body: { connectorId: null, settings: SETTINGS, updatedBy: 'ann-manager' } });
    expect(await api.call('GET', '/api/v1/roi/settings', undefined, lead)).toMatchObject({ status: 200, body: { settings: SETTINGS } });
    const bad = await api.call('PUT', '/api/v1/roi/settings', { json: { settings: { hourlyRateUsd: -5 } } }, manager);
    expect(bad).toMatchObject({ status: 400, body: { issues: [{ path: 'settings.hourlyRateUsd' }] } });
  });

  test('costs against benefits per connector and overall; too little history says how much more is needed', async () => {
    await api.call('PUT', '/api/v1/roi/settings', { json: { settings: SETTINGS } });
    const enough = await connectorWithHistory(10);
    const young = await connectorWithHistory(2);
    const from = dayOf(daysAgo(10));
    const to = dayOf(new Date());
    const response = await api.call('GET', `/api/v1/roi?connectorId=${enough}&from=${from}&to=${to}`);
    // 11 days: 11 h of manual export at 50 USD, 50 rows caught at 1 USD, 12 h fresher (a load a day) at 0.5 USD a day;
    // 100 calls at 1 cent, 4 USD of warehouse, 600 s of run time at 3.6 USD an hour.
    expect(response).toMatchObject({
      status: 200,
      body: {
        targetRatio: 3,
        connectors: [
          {
            status: 'ok',
            connectorId: enough,
            costs: { apiCallsUsd: 1, warehouseUsd: 4, runTimeUsd: 0.6, totalUsd: 5.6 },
            benefits: {
              manualHoursSaved: 11,
              manualExportUsd: 550,
              errorsCaughtUsd: 50,
              freshnessHoursGained: 12,
              freshnessUsd: 66,
              totalUsd: 666,
            },
            netValueUsd: 660.4,
            ratio: 118.93,
            meetsTarget: true,
          },
        ],
        overall: { netValueUsd: 660.4, ratio: 118.93 },
      },
    });
    const youngReport = await api.call('GET', `/api/v1/roi?connectorId=${young}`);
    expect(youngReport).toMatchObject({
      status: 200,
      body: {
        connectors: [{ status: 'insufficient-history', daysWithRuns: 2, minimumDays: 7, message: expect.stringContaining('5 more days') }],
        overall: null,
      },
    });
  });

  test('exports as CSV and as Parquet, one row per connector and one for all', async () => {
    const enough = await connectorWithHistory(8);
    const csv = await api.call('GET', `/api/v1/roi?connectorId=${enough}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = String(csv.body).trim().split('\r\n');
    expect(lines[0]).toMatch(/^connector_id,name,status,days_with_runs,.*,net_value_usd,ratio,meets_target$/);
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual([enough, 'all']);

    const parquet = await fetch(`${api.url}/api/v1/roi?connectorId=${enough}&format=parquet`, {
      headers: { authorization: `Bearer ${api.adminKey}` },
    });
    expect(parquet.headers.get('content-type')).toContain('application/vnd.apache.parquet');
    const bytes = Buffer.from(await parquet.arrayBuffer());
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'insight-hub-roi-test-'));
    try {
      const file = path.join(dir, 'roi.parquet');
      await writeFile(file, bytes);
      const instance = await (await loadDriver()).DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      const rows = await (await connection.run(`SELECT connector_id, status, days_with_runs FROM read_parquet('${file}')`)).getRowObjects();
      connection.closeSync();
      instance.closeSync();
      expect(rows).toEqual([
        { connector_id: enough, status: 'ok', days_with_runs: 8 },
        { connector_id: 'all', status: 'ok', days_with_runs: null },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('who sees which connectors', () => {
  test("a creative analyst's connector health and ROI hold their own connectors only; another's is a 403", async () => {
    const analyst = `analyst-${randomUUID()}`;
    const analystKey = await api.keyFor('creative-analyst', analyst);
    const own = await createConnector(api, connectorBody(analyst), analystKey);
    const other = await connectorWithHistory(2);

    const health = healthSchema.parse((await api.call('GET', '/api/v1/connector-health', undefined, analystKey)).body);
    expect(health.connectors.map((c) => c.connectorId)).toEqual([own]);
    const roi = z
      .object({ connectors: z.array(z.object({ connectorId: z.string() })) })
      .parse((await api.call('GET', '/api/v1/roi', undefined, analystKey)).body);
    expect(roi.connectors.map((c) => c.connectorId)).toEqual([own]);
    const refused = await api.call('GET', `/api/v1/roi?connectorId=${other}`, undefined, analystKey);
    expect(refused).toMatchObject({ status: 403, body: { message: expect.stringContaining(other) } });
  });
});
