/**
 * The GA4 source plug-in through the real @google-analytics/data SDK (REST transport) against the
 * local Data API simulator: the shared conformance checklist on daily metrics, then what is GA4's
 * own — the settling window re-read, realtime snapshots, token quotas and the default suites.
 */
import { ConnectorError, RateLimitedError } from '../../activities/errors';
import { evaluate } from '../../activities/quality/engine';
import { defaultSuiteFor } from '../../activities/quality/suites';
import { ga4Source } from '../../activities/sources/ga4';
import { closeGa4Clients } from '../../activities/sources/ga4/client';
import type { PageRequest, SourcePage } from '../../activities/sources/types';
import { ga4SourceSchema, ga4Streams, type Ga4SourceConfig } from '../../activities/sources/ga4/definition';
import { startGa4Simulator, type Ga4SimulatorOptions } from '../../simulators/ga4/server';
import { ga4Case, ga4ConfigFor } from './cases/ga4';
import { describeSourceConformance, readToEnd } from './conformance';
import { useSimulators } from '../support/fixture';

process.env.METADATA_SERVER_DETECTION = 'none';

describeSourceConformance(ga4Case);

const simulator = useSimulators((options: Ga4SimulatorOptions = {}) => startGa4Simulator(options));
afterAll(() => closeGa4Clients());

const firstPage: PageRequest = { connectorId: 'c1', cursor: null, pageToken: null, partition: null };
const readPage = (config: Ga4SourceConfig, stream: string, request: PageRequest = firstPage): Promise<SourcePage> =>
  ga4Source.readPage(config, stream, request, new AbortController().signal);
const isoDate = (ga4: string): string => `${ga4.slice(0, 4)}-${ga4.slice(4, 6)}-${ga4.slice(6, 8)}`;
const DAY_MS = 86_400_000;

describe('daily metrics', () => {
  it('lands every report row with its dimensions and counts as GA4 has them', async () => {
    const sim = await simulator({ dailyRows: 60, days: 5 });
    const { rows } = await readToEnd(ga4Source, ga4ConfigFor(sim, { pageSize: 15 }), 'daily_metrics', null);
    const landed = rows.map((r) => [
      r.date,
      r.session_source,
      r.session_medium,
      r.page_path,
      r.sessions,
      r.active_users,
      r.screen_page_views,
      r.key_events,
    ]);
    const truth = sim
      .dailyFacts()
      .map((f) => [
        isoDate(f.date),
        f.sessionSource,
        f.sessionMedium,
        f.pagePath,
        f.sessions,
        f.activeUsers,
        f.screenPageViews,
        f.keyEvents,
      ]);
    expect(landed).toEqual(expect.arrayContaining(truth));
    expect(landed).toHaveLength(truth.length);
    expect(rows.some((r) => r.session_source === '(not set)')).toBe(true);
  });

  it('re-reads the days GA4 is still revising, so revised counts replace the old ones under the same key', async () => {
    const sim = await simulator({ dailyRows: 60, days: 10 });
    const config = ga4ConfigFor(sim, { lookbackDays: 3 });
    const first = await readToEnd(ga4Source, config, 'daily_metrics', null);
    sim.settle();
    const again = await readToEnd(ga4Source, config, 'daily_metrics', first.position);

    const cursorDay = Date.parse(`${first.position?.value ?? ''}T00:00:00Z`);
    const reread = new Set(again.rows.map((r) => String(r.date)));
    expect(Math.min(...[...reread].map((d) => Date.parse(`${d}T00:00:00Z`)))).toBe(cursorDay - 3 * DAY_MS);
    const before = new Map(first.rows.map((r) => [r.id, r.sessions]));
    const today = new Date().toISOString().slice(0, 10);
    const revised = again.rows.filter((r) => r.date === today);
    expect(revised.length).toBeGreaterThan(0);
    for (const row of revised) {
      expect(before.has(row.id)).toBe(true);
      expect(Number(row.sessions)).toBeGreaterThan(Number(before.get(row.id)));
    }
    const truth = new Map(
      sim.dailyFacts().map((f) => [`${isoDate(f.date)}|${f.sessionSource}|${f.sessionMedium}|${f.pagePath}`, f.sessions]),
    );
    for (const row of again.rows)
      expect(row.sessions).toBe(truth.get(`${row.date}|${row.session_source}|${row.session_medium}|${row.page_path}`));
  });

  it('reports token usage against the tier budget with each page', async () => {
    const sim = await simulator({ dailyRows: 5 });
    const page = await readPage(ga4ConfigFor(sim), 'daily_metrics');
    expect(page.usage).toEqual({ used: 2, limit: 40_000, scope: 'GA4 property tokens per hour' });
    await readPage(ga4ConfigFor(sim), 'daily_metrics');
    sim.setTokenBudgets({ perDay: 5 });
    const nearlySpent = await readPage(ga4ConfigFor(sim), 'daily_metrics');
    expect(nearlySpent.usage).toEqual({ used: 200_000, limit: 200_000, scope: 'GA4 property tokens per day' });
  });
});

describe('quotas', () => {
  it('ends the read when the daily token budget is spent, keeping the rows and position already read', async () => {
    const sim = await simulator({ dailyRows: 30, days: 5 });
    const config = ga4ConfigFor(sim, { pageSize: 10 });
    const first = await readPage(config, 'daily_metrics');
    sim.exhaustDailyTokens();
    const next = await readPage(config, 'daily_metrics', {
      ...firstPage,
      cursor: first.checkpoint ?? null,
      pageToken: first.nextPageToken,
    });
    expect(first.rows).toHaveLength(10);
    expect(next).toMatchObject({ rows: [], apiCalls: 1, nextPageToken: null, stop: { reason: 'daily-api-quota' } });
    expect(next.stop?.detail).toMatch(/tokens per day/);
  });

  it('treats the hourly budget as throttling with no hint, not as a stop', async () => {
    const sim = await simulator({ dailyRows: 5, tokens: { perHour: 1 } });
    await readPage(ga4ConfigFor(sim), 'realtime_events');
    const error: unknown = await readPage(ga4ConfigFor(sim), 'realtime_events').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: null });
    expect(String(error)).toMatch(/tokens per hour/);
  });

  it("tells the operator to grant access when the property is not the credentials'", async () => {
    const sim = await simulator();
    const error: unknown = await readPage(ga4ConfigFor(sim, { propertyId: '999' }), 'daily_metrics').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ category: 'auth', hint: 'grant the service account Viewer access to GA4 property 999' });
  });
});

describe('realtime events', () => {
  it('takes one snapshot per poll, each row at the minute it counts, in cursor order', async () => {
    const sim = await simulator({ realtimeRows: 30 });
    const page = await readPage(ga4ConfigFor(sim), 'realtime_events');
    expect(page.nextPageToken).toBeNull();
    const landed = page.rows.map((r) => [r.minute, r.event_name, r.platform, r.country, r.event_count]);
    const truth = sim.realtimeFacts().map((f) => [new Date(f.minute).toISOString(), f.eventName, f.platform, f.country, f.eventCount]);
    expect(landed).toEqual(expect.arrayContaining(truth));
    expect(landed).toHaveLength(truth.length);
    const order = page.rows.map((r) => `${String(r.minute)}|${String(r.id)}`);
    expect(order).toEqual([...order].sort());
  });

  it('keys a minute the same way on every poll, so a later poll updates it in place', async () => {
    const sim = await simulator({ realtimeRows: 10 });
    const first = await readPage(ga4ConfigFor(sim), 'realtime_events');
    sim.addRealtimeRows(4);
    const second = await readPage(ga4ConfigFor(sim), 'realtime_events');
    const firstIds = new Set(first.rows.map((r) => r.id));
    expect(second.rows.filter((r) => firstIds.has(r.id))).toHaveLength(10);
    expect(second.rows.filter((r) => !firstIds.has(r.id))).toHaveLength(4);
  });
});

describe('default suites', () => {
  it('accept what GA4 sends, (not set) values included', async () => {
    const sim = await simulator({ dailyRows: 50, realtimeRows: 30 });
    const runTime = new Date();
    for (const stream of Object.values(ga4Streams)) {
      const { rows } = await readToEnd(ga4Source, ga4ConfigFor(sim), stream.name, null);
      const { report } = evaluate(defaultSuiteFor('ga4', stream.name), rows, { runTime });
      expect(report.success).toBe(true);
      expect(rows.length).toBeGreaterThan(0);
    }
  });

  it('quarantine negative counts and dates outside the window', () => {
    const row = { id: 'a', date: '2026-01-01', sessions: -1, active_users: 1, screen_page_views: 1, key_events: 0 };
    const { verdicts } = evaluate(defaultSuiteFor('ga4', 'daily_metrics'), [row, { ...row, id: 'b', sessions: 3, date: '2001-01-01' }], {
      runTime: new Date('2026-03-01T00:00:00Z'),
    });
    expect(verdicts).toEqual([
      { kind: 'invalid', failures: ['between(sessions)'] },
      { kind: 'invalid', failures: ['between(date)'] },
    ]);
  });
});

describe('configuration', () => {
  it('names the field and the rule for a bad config', () => {
    const bad = ga4SourceSchema.safeParse({ kind: 'ga4', propertyId: 'G-ABC123' });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['propertyId'], message: 'must be the numeric GA4 property id, e.g. 123456789' });
    const both = ga4SourceSchema.safeParse({
      kind: 'ga4',
      propertyId: '1',
      accessToken: 't',
      credentials: { client_email: 'sa@p.iam.gserviceaccount.com', private_key: '-----BEGIN PRIVATE KEY-----' },
    });
    expect(both.error?.issues[0]).toMatchObject({ path: ['accessToken'], message: 'give either credentials or accessToken, not both' });
  });
});
