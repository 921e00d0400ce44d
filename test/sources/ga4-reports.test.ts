/**
 * GA4 reports a connector chooses: campaign dimensions read into a stream and table of their own by a
 * real cycle (real Temporal, the worker composition, the Data API simulator through the SDK, DuckDB),
 * user counts flagged as not to be summed, and the property's metadata refusing a field it lacks.
 */
import { ga4Source } from '../../activities/sources/ga4';
import { ga4SourceSchema, ga4StreamsOf } from '../../activities/sources/ga4/definition';
import { startGa4Simulator } from '../../simulators/ga4/server';
import { useSimulators } from '../support/fixture';
import { ga4ConfigFor } from './cases/ga4';
import { useCycleStack } from './cycle-stack';

const CAMPAIGNS = {
  name: 'campaigns',
  dimensions: ['sessionCampaignName', 'sessionDefaultChannelGroup'],
  metrics: ['sessions', 'totalUsers', 'keyEvents'],
};

const simulator = useSimulators(startGa4Simulator);
const signal = () => new AbortController().signal;

describe('the reports a GA4 connector chooses', () => {
  test('each report is its own stream and table, date first, with user counts flagged as not additive', () => {
    const config = ga4SourceSchema.parse({ kind: 'ga4', propertyId: '1', reports: [CAMPAIGNS] });
    expect(config.streams).toEqual(['campaigns', 'realtime_events']);
    const stream = ga4StreamsOf(config).campaigns;
    expect(stream?.table).toBe('ga4_campaigns');
    expect(stream?.columns.map((c) => [c.name, c.type, c.nonAdditive ?? false])).toEqual([
      ['id', 'string', false],
      ['date', 'date', false],
      ['session_campaign_name', 'string', false],
      ['session_default_channel_group', 'string', false],
      ['sessions', 'integer', false],
      ['total_users', 'integer', true],
      ['key_events', 'number', false],
      ['read_at', 'timestamp', false],
    ]);
  });

  test('a config choosing no report reads today’s two streams, unchanged', () => {
    const config = ga4SourceSchema.parse({ kind: 'ga4', propertyId: '1' });
    expect(config.streams).toEqual(['daily_metrics', 'realtime_events']);
    expect(ga4StreamsOf(config).daily_metrics?.columns.map((c) => c.name)).toEqual([
      'id',
      'date',
      'session_source',
      'session_medium',
      'page_path',
      'sessions',
      'active_users',
      'screen_page_views',
      'key_events',
      'read_at',
    ]);
  });

  test('a stream that is not one of the reports, or two reports landing in one column, are refused by the schema', () => {
    const unknownStream = ga4SourceSchema.safeParse({ kind: 'ga4', propertyId: '1', reports: [CAMPAIGNS], streams: ['daily_metrics'] });
    expect(unknownStream.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['streams.0', "is not one of this connector's streams: campaigns, realtime_events"],
    ]);
    const clash = ga4SourceSchema.safeParse({
      kind: 'ga4',
      propertyId: '1',
      reports: [{ name: 'x', dimensions: ['pagePath', 'page_path'], metrics: ['sessions'] }],
    });
    expect(clash.error?.issues.map((i) => i.path.join('.'))).toEqual(['reports.0']);
  });

  test('the property’s metadata refuses a dimension and a metric it does not have, naming each', async () => {
    const sim = await simulator({ dailyRows: 5 });
    const config = ga4ConfigFor(sim, {
      reports: [{ name: 'odd', dimensions: ['sessionCampaignName', 'firstUserTeleporter'], metrics: ['sessions', 'happiness'] }],
    });
    const refused = await ga4Source.refusedChoices?.(config, { signal: signal() });
    expect(refused?.map((r) => r.path)).toEqual([
      ['reports', 0, 'dimensions', 1],
      ['reports', 0, 'metrics', 1],
    ]);
    expect(refused?.[1]?.message).toContain(`GA4 property ${sim.propertyId} has no metric happiness; its metrics: activeUsers,`);
    expect(await ga4Source.refusedChoices?.(ga4ConfigFor(sim, { reports: [CAMPAIGNS] }), { signal: signal() })).toEqual([]);
    expect(sim.requests().filter((r) => r.method === 'getMetadata')).toHaveLength(2);
  });
});

test('discovery answers the connector’s reports as the property has them, user counts flagged, and refuses an unknown field', async () => {
  const sim = await simulator({ dailyRows: 5 });
  const catalog = await ga4Source.discover?.(ga4ConfigFor(sim, { reports: [CAMPAIGNS] }), { signal: signal() });
  expect(catalog?.streams.map((stream) => stream.name)).toEqual(['campaigns', 'realtime_events']);
  const fields = catalog?.streams[0]?.fields.map((f) => [f.sourceField, f.nonAdditive ?? false]);
  expect(fields).toContainEqual(['totalUsers', true]);
  expect(fields).toContainEqual(['sessions', false]);
  const odd = ga4ConfigFor(sim, { reports: [{ name: 'odd', dimensions: ['date'], metrics: ['happiness'] }] });
  await expect(ga4Source.discover?.(odd, { signal: signal() })).rejects.toMatchObject({
    category: 'config',
    message: expect.stringContaining('has no metric happiness'),
  });
});

describe('a chosen GA4 report through the real cycle', () => {
  const stack = useCycleStack('ga4-reports');

  test('loads the campaign report into its own table, one row per day, campaign and channel, with GA4’s figures', async () => {
    const sim = await simulator({ dailyRows: 60, days: 3 });
    const connector = await stack.create('GA4 campaigns', {
      source: { ...ga4ConfigFor(sim, { reports: [CAMPAIGNS] }), streams: ['campaigns'] },
      automationLevel: 'auto',
    });
    const report = await stack.runCycle(connector);
    expect(report.status).toBe('completed');

    // What GA4 reports: the facts grouped by day, campaign and channel, their counts summed.
    const expected = new Map<string, { sessions: number; totalUsers: number }>();
    for (const fact of sim.dailyFacts()) {
      const day = `${fact.date.slice(0, 4)}-${fact.date.slice(4, 6)}-${fact.date.slice(6)}`;
      const key = `${day}|${fact.sessionCampaignName}|${fact.sessionDefaultChannelGroup}`;
      const sum = expected.get(key) ?? { sessions: 0, totalUsers: 0 };
      expected.set(key, { sessions: sum.sessions + fact.sessions, totalUsers: sum.totalUsers + fact.totalUsers });
    }
    const rows = await stack.query(
      connector,
      `SELECT CAST(date AS VARCHAR) AS day, session_campaign_name, session_default_channel_group, sessions, total_users FROM ${connector.schema}.ga4_campaigns`,
    );
    const loaded = new Map(
      rows.map((row) => [
        `${String(row.day)}|${String(row.session_campaign_name)}|${String(row.session_default_channel_group)}`,
        { sessions: Number(row.sessions), totalUsers: Number(row.total_users) },
      ]),
    );
    expect(loaded).toEqual(expected);
    expect([...loaded.keys()].some((key) => key.includes('|spring_sale|Paid Search'))).toBe(true);
    expect(report.streams.map((s) => [s.stream, s.loaded])).toEqual([['campaigns', expected.size]]);
  });
});
