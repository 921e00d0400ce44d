/**
 * The customer models materialised in a real DuckDB and a real PostgreSQL from demo-like rows landed
 * as a cycle lands them: exactly the expected unified rows, consent and erasure holding, and a
 * refresh that rebuilds only what changed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DestinationConfig } from '../../domain/connector';
import { connectWarehouse } from '../../activities/warehouses';
import type { Warehouse } from '../../activities/warehouses/types';
import { refreshModels } from '../../activities/models/refresh';
import { eraseFromWarehouse } from '../../activities/privacy/warehouse-erasure';
import type { Connector } from '../../domain/connector';
import { createFreshDatabase, startPostgres, type FreshDatabase } from '../store/postgres';
import { startRedshiftSimulator, type RedshiftSimulator } from '../../simulators/redshift/server';
import { startS3Simulator, type S3Simulator } from '../../simulators/s3/server';
import { SIMULATOR_USER, startSnowflakeSimulator, type SnowflakeSimulator } from '../../simulators/snowflake/server';
import { MODELS } from '../../activities/models';
import { lookmlView } from '../../activities/models/handoff/lookml';
import { landRows, landScenario } from './fixtures';

const server = startPostgres();
let snowflake: SnowflakeSimulator | null = null;
beforeAll(async () => {
  snowflake = await startSnowflakeSimulator({ users: [SIMULATOR_USER] });
});
afterAll(() => snowflake?.stop());

interface Target {
  kind: string;
  destination(): Promise<DestinationConfig>;
}

const targets: Target[] = [
  { kind: 'duckdb', destination: async () => ({ kind: 'duckdb', schema: 'marketing', path: path.join(dir(), 'w.duckdb') }) },
];
let schemas = 0;
targets.push({
  kind: 'snowflake (its simulator)',
  destination: async () => ({
    kind: 'snowflake',
    account: snowflake?.account ?? '',
    accessUrl: snowflake?.url,
    username: SIMULATOR_USER.name,
    auth: { type: 'password', password: SIMULATOR_USER.password },
    warehouse: 'LOAD_WH',
    database: 'INSIGHT_HUB',
    schema: `models_${++schemas}`,
    stageThresholdRows: 10_000,
  }),
});
let database: FreshDatabase | null = null;
const REDSHIFT_ACCESS_KEY = 'AKIDREDSHIFTSIM';
let redshift: Promise<RedshiftSimulator> | null = null;
let s3: S3Simulator | null = null;
const redshiftSimulator = (): Promise<RedshiftSimulator> =>
  (redshift ??= (async () => {
    s3 = await startS3Simulator({ buckets: ['ih-staging'], accessKeyIds: [REDSHIFT_ACCESS_KEY] });
    return startRedshiftSimulator({
      postgresUrl: server.available ? server.adminUrl : '',
      s3: s3.store,
      accessKeyIds: [REDSHIFT_ACCESS_KEY],
    });
  })());
afterAll(async () => {
  await (await redshift)?.stop();
  await s3?.stop();
});
if (server.available) {
  beforeAll(async () => {
    database = await createFreshDatabase(server.adminUrl);
  });
  afterAll(() => database?.drop());
  targets.push({
    kind: 'redshift (its simulator, on PostgreSQL)',
    destination: async () => ({
      kind: 'redshift',
      region: 'us-east-1',
      database: (await redshiftSimulator()).database,
      schema: `models_${randomUUID().replaceAll('-', '').slice(0, 12)}`,
      workgroupName: 'insight-hub',
      endpoint: (await redshiftSimulator()).url,
      credentials: { accessKeyId: REDSHIFT_ACCESS_KEY, secretAccessKey: 'simulated-secret' },
    }),
  });
  targets.push({
    kind: 'postgres',
    destination: async () => ({ kind: 'postgres', url: database?.url, schema: `models_${randomUUID().replaceAll('-', '').slice(0, 12)}` }),
  });
} else {
  test.skip(`PostgreSQL: ${server.reason}`, () => undefined);
}

let tempDir = '';
const dir = (): string => tempDir;
beforeEach(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), 'ih-models-'));
});
afterEach(() => rm(tempDir, { recursive: true, force: true }));

describe.each(targets)('the customer models on $kind', (target) => {
  let warehouse: Warehouse;
  let destination: DestinationConfig;
  const rows = async (sql: string): Promise<Record<string, unknown>[]> => {
    const table = (name: string): string => warehouse.derived?.dialect.table(name) ?? name;
    return warehouse.query(sql.replace(/\{(\w+)\}/g, (_m, name: string) => table(name)));
  };

  beforeEach(async () => {
    destination = await target.destination();
    warehouse = await connectWarehouse(destination, dir());
  });
  afterEach(() => warehouse.close());

  test('a person in Salesforce twice and in SendGrid and Zendesk is one customer with all touchpoints', async () => {
    await landScenario(warehouse, dir());
    const refresh = await refreshModels(warehouse);
    expect(refresh.rebuilt).toHaveLength(6);

    const customers = await rows(
      `select customer_key, customer_id, email, first_name, last_name, title, company, country, sources, salesforce_contact_ids,
              salesforce_lead_ids, customer_ids, emails, crm_records, email_events, emails_delivered, emails_opened, emails_clicked,
              tickets, avg_ticket_sentiment, campaigns from {customer} order by customer_key`,
    );
    expect(customers).toEqual([
      {
        customer_key: 'contact:003A',
        customer_id: 'CUST-1',
        email: 'jane.doe@example.com',
        first_name: 'Jane',
        last_name: 'Doe',
        title: 'CMO',
        company: null,
        country: 'FR',
        sources: 'salesforce, sendgrid, zendesk',
        salesforce_contact_ids: '003A, 003B',
        salesforce_lead_ids: '00QA',
        customer_ids: 'CUST-1',
        emails: 'jane.doe@example.com',
        crm_records: 3,
        email_events: 4,
        emails_delivered: 2,
        emails_opened: 1,
        emails_clicked: 1,
        tickets: 2,
        avg_ticket_sentiment: 0.375,
        campaigns: 2,
      },
      {
        customer_key: 'contact:003C',
        customer_id: 'CUST-2',
        email: 'bob@example.com',
        first_name: 'Bob',
        last_name: 'Stone',
        title: null,
        company: null,
        country: 'DE',
        sources: 'salesforce, sendgrid',
        salesforce_contact_ids: '003C, 003E',
        salesforce_lead_ids: '00QC',
        customer_ids: 'CUST-2',
        emails: 'bob.work@example.com, bob@example.com',
        crm_records: 3,
        email_events: 1,
        emails_delivered: 1,
        emails_opened: 0,
        emails_clicked: 0,
        tickets: 0,
        avg_ticket_sentiment: null,
        campaigns: 1,
      },
    ]);

    const timeline = await rows(
      `select customer_key, kind, action, campaign_id, source_key from {customer_touchpoint} order by customer_key, kind, source_key`,
    );
    expect(timeline.map((t) => `${String(t.customer_key)} ${String(t.kind)} ${String(t.source_key)} ${String(t.campaign_id)}`)).toEqual([
      'contact:003A campaign_membership 00vA 701X',
      'contact:003A campaign_membership 00vB 701Y',
      'contact:003A email e1 701X',
      'contact:003A email e2 701X',
      'contact:003A email e3 701X',
      'contact:003A email e6 701X',
      'contact:003A opportunity 006A 701X',
      'contact:003A ticket 501 null',
      'contact:003A ticket 502 null',
      'contact:003C campaign_membership 00vC 701X',
      'contact:003C email e4 701X',
    ]);
  });

  test('campaign performance per day: unique reach deduplicated, tickets of reached customers, amount won', async () => {
    await landScenario(warehouse, dir());
    await refreshModels(warehouse);
    const days = await rows(
      `select campaign_id, cast(day as varchar) as day, members_added, emails_delivered, emails_opened, emails_clicked, unique_reach,
              tickets_of_reached, avg_ticket_sentiment, opportunities_created, opportunities_won, amount_won
       from {campaign_performance} where campaign_id in ('701X', '701Y') order by campaign_id, day`,
    );
    const zero = { members_added: 0, emails_delivered: 0, emails_opened: 0, emails_clicked: 0, unique_reach: 0, tickets_of_reached: 0 };
    const none = { avg_ticket_sentiment: null, opportunities_created: 0, opportunities_won: 0, amount_won: 0 };
    expect(days).toEqual([
      { campaign_id: '701X', day: '2026-03-01', ...zero, ...none, members_added: 2 },
      // Jane (twice delivered), Bob and a stranger: three people reached; Olive's open counts nowhere.
      {
        campaign_id: '701X',
        day: '2026-03-02',
        ...zero,
        ...none,
        emails_delivered: 4,
        emails_opened: 1,
        emails_clicked: 1,
        unique_reach: 3,
        opportunities_created: 1,
      },
      { campaign_id: '701X', day: '2026-03-03', ...zero, ...none, tickets_of_reached: 2, avg_ticket_sentiment: 0.375 },
      { campaign_id: '701X', day: '2026-03-05', ...zero, ...none, opportunities_won: 1, amount_won: 5000 },
      { campaign_id: '701Y', day: '2026-03-01', ...zero, ...none, members_added: 1 },
    ]);
  });

  test("content performance joins GA4's page metrics by path and day, never summing active users across traffic sources", async () => {
    const view = (contentId: string, url: string, day: string) => ({
      id: `${contentId}:${day}`,
      content_id: contentId,
      title: contentId,
      url,
      content_type: 'article',
      day,
      views: 40,
      unique_visitors: 30,
      avg_time_on_page_seconds: 61.5,
      updated_at: `${day}T23:00:00.000Z`,
    });
    await landRows(warehouse, dir(), 'cms', 'content_views', [
      view('pricing', 'https://www.shop.example/pricing', '2026-03-02'),
      view('blog-a', '/blog/a', '2026-03-02'),
    ]);
    const ga4 = (path: string, source: string, sessions: number, users: number) => ({
      id: `2026-03-02|${source}|organic|${path}`,
      date: '2026-03-02',
      session_source: source,
      session_medium: 'organic',
      page_path: path,
      sessions,
      active_users: users,
      screen_page_views: sessions * 2,
      key_events: 1,
      read_at: '2026-03-03T06:00:00.000Z',
    });
    await landRows(warehouse, dir(), 'ga4', 'daily_metrics', [
      ga4('/pricing', 'google', 10, 8),
      ga4('/pricing', 'bing', 5, 4),
      ga4('/blog/a', 'google', 7, 6),
    ]);
    await refreshModels(warehouse);
    expect(
      await rows(
        `select content_id, page_path, views, unique_visitors, ga4_sessions, ga4_screen_page_views, ga4_key_events, ga4_active_users, ga4_traffic_sources
         from {content_performance} order by content_id`,
      ),
    ).toEqual([
      {
        content_id: 'blog-a',
        page_path: '/blog/a',
        views: 40,
        unique_visitors: 30,
        ga4_sessions: 7,
        ga4_screen_page_views: 14,
        ga4_key_events: 1,
        ga4_active_users: 6,
        ga4_traffic_sources: 1,
      },
      {
        content_id: 'pricing',
        page_path: '/pricing',
        views: 40,
        unique_visitors: 30,
        ga4_sessions: 15,
        ga4_screen_page_views: 30,
        ga4_key_events: 2,
        ga4_active_users: null,
        ga4_traffic_sources: 2,
      },
    ]);
  });

  test("the LookML views' tables and dimensions resolve in this warehouse", async () => {
    await landScenario(warehouse, dir());
    await refreshModels(warehouse);
    const target = { destination: destination.kind, schema: destination.schema, connection: 'test' };
    for (const model of MODELS) {
      const view = lookmlView(model, target);
      const table = /sql_table_name: (.*) ;;/.exec(view)?.[1] ?? '';
      const dimensions = [...view.matchAll(/sql: (.*\$\{TABLE\}.*) ;;/g)].map((m) => (m[1] ?? '').replaceAll('${TABLE}', 'v'));
      expect(dimensions.length).toBeGreaterThanOrEqual(model.columns.length);
      // Runs, or fails naming what it could not find (the brand and content models are empty here).
      await expect(warehouse.query(`select ${dimensions.join(', ')} from ${table} v`)).resolves.toBeInstanceOf(Array);
    }
  });

  test('a person without consent appears in no model, not even through their other record, address or tickets', async () => {
    await landScenario(warehouse, dir());
    await refreshModels(warehouse);
    const olive = `'%olive%'`;
    expect(await rows(`select * from {customer} where emails like ${olive} or customer_ids like '%CUST-3%'`)).toEqual([]);
    expect(await rows(`select * from {customer_identity} where email like ${olive} or customer_id = 'CUST-3'`)).toEqual([]);
    expect(await rows(`select * from {customer_touchpoint} where source_key in ('e7', '503')`)).toEqual([]);
  });

  test('an erasure reaches the models, and a refresh rebuilds only what changed', async () => {
    await landScenario(warehouse, dir());
    await refreshModels(warehouse);
    expect(await refreshModels(warehouse)).toEqual({ rebuilt: [], unchanged: expect.arrayContaining(['customer']) as unknown });

    for (const kind of ['salesforce', 'sendgrid', 'zendesk'] as const) {
      const connector = { id: `${kind}-connector`, configuration: { destination, source: { kind } } } as unknown as Connector;
      await eraseFromWarehouse(() => connectWarehouse(destination, dir()), connector, { email: 'JANE.DOE@example.com' }, []);
    }
    const refresh = await refreshModels(warehouse);
    expect(refresh.rebuilt).toEqual(['customer_identity', 'customer_touchpoint', 'customer', 'campaign_performance']);
    expect(await rows(`select customer_key from {customer}`)).toEqual([{ customer_key: 'contact:003C' }]);
    expect(await rows(`select distinct customer_key from {customer_touchpoint}`)).toEqual([{ customer_key: 'contact:003C' }]);
    const [reach] = await rows(`select unique_reach from {campaign_performance} where campaign_id = '701X' and day = date '2026-03-02'`);
    expect(reach).toEqual({ unique_reach: 2 });

    await landRows(warehouse, dir(), 'brandwatch', 'mentions', [
      {
        resource_id: 'm1',
        added: '2026-03-04T10:00:00.000Z',
        date: '2026-03-04T09:00:00.000Z',
        query_id: 7,
        query_name: 'Brand',
        sentiment: 'positive',
        sentiment_score: 0.8,
        impressions: 120,
      },
    ]);
    expect((await refreshModels(warehouse)).rebuilt).toEqual(['brand_sentiment_daily']);
    expect(
      await rows(
        `select query_id, cast(day as varchar) as day, mentions, positive, avg_sentiment_score, impressions from {brand_sentiment_daily}`,
      ),
    ).toEqual([{ query_id: 7, day: '2026-03-04', mentions: 1, positive: 1, avg_sentiment_score: 0.8, impressions: 120 }]);
  });
});
