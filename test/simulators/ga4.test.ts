/**
 * The GA4 Data API simulator on its wire, through the real @google-analytics/data client over REST:
 * what a report holds, how it pages, and how the simulator refuses, throttles and counts tokens.
 */
import { BetaAnalyticsDataClient } from '@google-analytics/data';
import { googleAuthLibrary } from 'google-gax';
import { startGa4Simulator, type Ga4Simulator, type Ga4SimulatorOptions } from '../../simulators/ga4/server';

process.env.METADATA_SERVER_DETECTION = 'none';

const running: { sim: Ga4Simulator; client: BetaAnalyticsDataClient }[] = [];
async function simulator(
  options: Ga4SimulatorOptions = {},
  token?: string,
): Promise<{ sim: Ga4Simulator; client: BetaAnalyticsDataClient; property: string }> {
  const sim = await startGa4Simulator(options);
  const authClient = new googleAuthLibrary.OAuth2Client();
  authClient.setCredentials({ access_token: token ?? sim.accessToken });
  const client = new BetaAnalyticsDataClient({ fallback: true, apiEndpoint: '127.0.0.1', port: sim.port, protocol: 'http', authClient });
  running.push({ sim, client });
  return { sim, client, property: `properties/${sim.propertyId}` };
}
afterEach(async () => {
  await Promise.all(running.splice(0).map(async ({ sim, client }) => Promise.all([client.close(), sim.stop()])));
});

const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );
const today = (): string => new Date().toISOString().slice(0, 10);

describe('runReport', () => {
  it('groups by the requested dimensions, sums the metrics and pages by offset with rowCount', async () => {
    const { sim, client, property } = await simulator({ dailyRows: 50, days: 5 });
    const request = {
      property,
      dimensions: [{ name: 'date' }],
      metrics: [{ name: 'sessions' }],
      dateRanges: [{ startDate: '6daysAgo', endDate: 'today' }],
      orderBys: [{ dimension: { dimensionName: 'date' } }],
    };
    const [first] = await client.runReport({ ...request, limit: 3, offset: 0 });
    const [rest] = await client.runReport({ ...request, limit: 3, offset: 3 });
    const totals = new Map<string, number>();
    for (const fact of sim.dailyFacts()) totals.set(fact.date, (totals.get(fact.date) ?? 0) + fact.sessions);
    const expected = [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, sessions]) => [date, String(sessions)]);
    const rows = [...(first.rows ?? []), ...(rest.rows ?? [])].map((r) => [r.dimensionValues?.[0]?.value, r.metricValues?.[0]?.value]);
    expect(first.rowCount).toBe(5);
    expect(rows).toEqual(expected);
    expect(first.metricHeaders?.[0]).toMatchObject({ name: 'sessions', type: 'TYPE_INTEGER' });
  });

  it('answers an empty range without rows, and returns the property quota when asked', async () => {
    const { client, property } = await simulator({ dailyRows: 5, days: 1 });
    const [report] = await client.runReport({
      property,
      metrics: [{ name: 'sessions' }],
      dateRanges: [{ startDate: '2020-01-01', endDate: '2020-01-31' }],
      returnPropertyQuota: true,
    });
    expect(report.rows).toEqual([]);
    expect(report.rowCount ?? 0).toBe(0);
    expect(report.propertyQuota?.tokensPerDay).toMatchObject({ consumed: 1, remaining: 199_999 });
  });

  it('refuses an unknown dimension with 400 naming it', async () => {
    const { client, property } = await simulator();
    const error = await failureOf(
      client.runReport({
        property,
        dimensions: [{ name: 'userEmail' }],
        metrics: [{ name: 'sessions' }],
        dateRanges: [{ startDate: today(), endDate: 'today' }],
      }),
    );
    expect(error).toMatchObject({ status: 400 });
    expect(String(error)).toMatch(/Field userEmail is not a valid dimension/);
  });
});

describe('runRealtimeReport', () => {
  it('counts back from now in two-digit minutesAgo within the last 30 minutes', async () => {
    const { sim, client, property } = await simulator({ realtimeRows: 20 });
    const [report] = await client.runRealtimeReport({
      property,
      dimensions: [{ name: 'minutesAgo' }, { name: 'eventName' }],
      metrics: [{ name: 'eventCount' }],
    });
    const minutes = (report.rows ?? []).map((r) => r.dimensionValues?.[0]?.value ?? '');
    expect(minutes.every((m) => /^[0-2]\d$/.test(m))).toBe(true);
    const total = (report.rows ?? []).reduce((sum, r) => sum + Number(r.metricValues?.[0]?.value), 0);
    expect(total).toBe(sim.realtimeFacts().reduce((sum, f) => sum + f.eventCount, 0));
  });
});

describe('refusals and quotas', () => {
  it('answers a wrong token 401 UNAUTHENTICATED, and logs every request', async () => {
    const { sim, client, property } = await simulator({}, 'ya29.someone-else');
    const error = await failureOf(client.runRealtimeReport({ property, metrics: [{ name: 'eventCount' }] }));
    expect(error).toMatchObject({ status: 401 });
    expect(String(error)).toMatch(/UNAUTHENTICATED/);
    expect(sim.requests()).toEqual([{ at: expect.any(Number), method: 'runRealtimeReport', status: 401 }]);
  });

  it('throttles on demand with RESOURCE_EXHAUSTED and the Retry-After asked for', async () => {
    const { sim, client, property } = await simulator();
    sim.throttleNext(1, 7, 1);
    await client.runRealtimeReport({ property, metrics: [{ name: 'eventCount' }] });
    const error = await failureOf(client.runRealtimeReport({ property, metrics: [{ name: 'eventCount' }] }));
    expect(error).toMatchObject({ status: 429 });
    expect(String(error)).toMatch(/RESOURCE_EXHAUSTED/);
    sim.throttleNext(1, 7);
    const raw = await fetch(`${sim.url}/v1beta/${property}:runRealtimeReport`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sim.accessToken}` },
      body: '{}',
    });
    expect([raw.status, raw.headers.get('retry-after')]).toEqual([429, '7']);
    await client.runRealtimeReport({ property, metrics: [{ name: 'eventCount' }] });
    expect(sim.requests().map((r) => r.status)).toEqual([200, 429, 429, 200]);
  });

  it('enforces the hourly and daily token budgets as GA4 words them', async () => {
    const { sim, client, property } = await simulator({ realtimeRows: 40, tokens: { perHour: 4 } });
    const realtime = () => client.runRealtimeReport({ property, metrics: [{ name: 'eventCount' }] });
    await realtime();
    await realtime();
    expect(String(await failureOf(realtime()))).toMatch(/Exhausted property tokens per hour/);
    sim.setTokenBudgets({ perHour: 1_000 });
    sim.exhaustDailyTokens();
    expect(String(await failureOf(realtime()))).toMatch(/Exhausted property tokens per day/);
  });
});
