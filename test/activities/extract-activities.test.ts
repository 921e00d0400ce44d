/**
 * The page-reading activity alone (MockActivityEnvironment), over the real Salesforce plug-in and
 * simulator, a real staging folder and the embedded store: every request is counted against the
 * source's rate window, what the service reports is kept, and 80 % raises one alert per window.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createConnectorSchema } from '../../domain/connector';
import type { PersonalColumns } from '../../domain/personal-columns';
import { randomUUID } from 'node:crypto';
import type { ExtractedPage, PageExtractRequest } from '../../domain/cycle';
import { throttleBackoffMs } from '../../activities/errors';
import { createExtractActivities } from '../../activities/extract-activities';
import { logger } from '../../activities/logger';
import { ColumnHasher } from '../../activities/privacy/personal-columns';
import { ephemeralKeyRing } from '../../activities/secrets';
import { sourcePlugins } from '../../activities/sources';
import { Staging } from '../../activities/staging/staging';
import { openStore } from '../../activities/store';
import { inboxReader } from '../../activities/store/inbox';
import type { Store } from '../../activities/store/store';
import { startCmsSimulator } from '../../simulators/cms/server';
import { startSalesforceSimulator, type SalesforceSimulator } from '../../simulators/salesforce/server';
import { simulatedSalesforceSource } from '../../simulators/salesforce/source';

let store: Store;
let dataDir: string;
const simulators: SalesforceSimulator[] = [];
async function simulator(options: Parameters<typeof startSalesforceSimulator>[0]): Promise<SalesforceSimulator> {
  const started = await startSalesforceSimulator(options);
  simulators.push(started);
  return started;
}

beforeAll(async () => {
  store = await openStore({});
});
afterAll(() => store.close());
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ih-extract-'));
});
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((started) => started.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

async function connectorAt(simulator: SalesforceSimulator, personalColumns?: PersonalColumns): Promise<string> {
  const connector = await store.connectors.create(
    createConnectorSchema.parse({
      userId: 'marketing-ops',
      name: 'Salesforce contacts',
      configuration: { source: simulatedSalesforceSource(simulator.url), personalColumns },
    }),
  );
  return connector.id;
}

/** The activity as Temporal runs it, typed (MockActivityEnvironment cannot infer the result). */
function activities(now: () => Date): { extractPage: (request: PageExtractRequest) => Promise<ExtractedPage> } {
  const { extractPage } = createExtractActivities({
    store,
    staging: new Staging(path.join(dataDir, 'staging')),
    plugins: sourcePlugins({ inbox: inboxReader(store.inbox) }),
    logger,
    columnHasher: new ColumnHasher(ephemeralKeyRing()),
    now,
  });
  const env = new MockActivityEnvironment();
  return { extractPage: (request) => env.run<[PageExtractRequest], ExtractedPage, typeof extractPage>(extractPage, request) };
}

describe('extractPage', () => {
  it('stages one page and says where the next one starts', async () => {
    const sim = await simulator({ counts: { Contact: 30 }, deletedRate: 0, pageSize: 20 });
    const connectorId = await connectorAt(sim);
    const { extractPage } = activities(() => new Date());
    const first = await extractPage({ connectorId, stream: 'contact', partition: null, cursor: null, pageToken: null });
    expect(first.batch?.rows).toBe(20);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = await extractPage({
      connectorId,
      stream: 'contact',
      partition: null,
      cursor: first.batch?.cursorAfter ?? null,
      pageToken: first.nextPageToken,
    });
    expect(second.batch?.rows).toBe(10);
    expect(second.nextPageToken).toBeNull();
    expect(second.apiCalls).toBe(1); // the login was spent once, on the first page
  });

  it('leaves out the rows of erased people before hashing their emails, and a page of nothing else still moves the cursor', async () => {
    const sim = await simulator({ counts: { Contact: 4 }, deletedRate: 0, pageSize: 10 });
    const first = { stream: 'contact', partition: null, cursor: null, pageToken: null };
    const { extractPage } = activities(() => new Date());
    const plain = await extractPage({ connectorId: await connectorAt(sim), ...first });
    const staging = new Staging(path.join(dataDir, 'staging'));
    const emails: string[] = [];
    for await (const row of staging.readBatch(plain.batch ?? { uri: '' })) if (typeof row.email === 'string') emails.push(row.email);
    expect(emails).toHaveLength(4);
    for (const email of emails) await store.privacy.suppressSubject({ email }, randomUUID(), []);

    const hashing = await extractPage({ connectorId: await connectorAt(sim, { contact: { email: 'hash' } }), ...first });
    expect(hashing.suppressed).toBe(4);
    expect(hashing.batch?.rows).toBe(0);
    expect(hashing.batch?.cursorAfter).toEqual(plain.batch?.cursorAfter);
    // Without a hashed or dropped subject column the load's screen does it, as before: the page is staged whole.
    const keeping = await extractPage({ connectorId: await connectorAt(sim), ...first });
    expect(keeping.suppressed).toBe(0);
    expect(keeping.batch?.rows).toBe(4);
  });

  it('records usage per call and alerts once when the daily quota reaches 80 %', async () => {
    const sim = await simulator({ counts: { Contact: 10 }, deletedRate: 0, pageSize: 5, quota: { used: 78, max: 100 } });
    const connectorId = await connectorAt(sim);
    const { extractPage } = activities(() => new Date('2026-11-23T10:00:30Z'));
    let request: PageExtractRequest = { connectorId, stream: 'contact', partition: null, cursor: null, pageToken: null };
    for (;;) {
      const page = await extractPage(request);
      if (page.nextPageToken === null) break;
      request = { ...request, pageToken: page.nextPageToken };
    }
    // Two query pages and one for the end: the org's own count went 79, 80, 81.
    const usage = await store.apiUsage.list(connectorId);
    expect(usage.find((u) => u.scope === 'daily API requests')).toMatchObject({ used: sim.quota().used, limit: 100 });
    expect(usage.find((u) => u.scope === 'rate')).toMatchObject({ windowStart: '2026-11-23T10:00:00.000Z', limit: 150 });
    const alerts = (await store.audit.list(connectorId)).filter((entry) => entry.activityType === 'api-usage.alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.details).toMatchObject({ scope: 'daily API requests', limit: 100, sharePercent: 80 });
  });

  it('counts a throttled request against the window too', async () => {
    const sim = await simulator({ counts: { Contact: 3 }, deletedRate: 0 });
    const connectorId = await connectorAt(sim);
    sim.throttle({ status: 429, times: 1, retryAfterSeconds: 5 });
    const { extractPage } = activities(() => new Date('2026-11-23T11:00:00Z'));
    await expect(extractPage({ connectorId, stream: 'contact', partition: null, cursor: null, pageToken: null })).rejects.toMatchObject({
      retryAfterMs: 5000,
    });
    expect((await store.apiUsage.list(connectorId)).find((u) => u.scope === 'rate')?.used).toBe(1);
  });
});

describe('latency', () => {
  it('records a CMS request slower than its 500 ms target in the audit log and the metrics, without its data', async () => {
    const cms = await startCmsSimulator({ contents: 5, days: 1 });
    try {
      cms.setLatency(650);
      const connector = await store.connectors.create(
        createConnectorSchema.parse({
          userId: 'content-ops',
          name: 'CMS views',
          configuration: { source: { kind: 'cms', endpoint: cms.endpoint, accessToken: cms.accessToken } },
        }),
      );
      const { extractPage } = activities(() => new Date('2026-11-23T12:00:00Z'));
      await extractPage({ connectorId: connector.id, stream: 'content_views', partition: null, cursor: null, pageToken: null });
      const slow = (await store.audit.list(connector.id)).filter((entry) => entry.activityType === 'api.slow-request');
      expect(slow).toHaveLength(1);
      expect(slow[0]?.details).toEqual({ source: 'cms', stream: 'content_views', durationMs: expect.any(Number), targetMs: 500 });
      expect(Number(slow[0]?.details.durationMs)).toBeGreaterThanOrEqual(650);
      expect((await store.metrics.list(connector.id))[0]?.metrics).toMatchObject({ slowApiRequests: 1 });
    } finally {
      await cms.stop();
    }
  });
});

describe('backoff without a Retry-After', () => {
  it('grows exponentially, is never immediate, and spreads workers apart', () => {
    expect(throttleBackoffMs(1, () => 0)).toBe(1_000);
    expect(throttleBackoffMs(1, () => 1)).toBe(2_000);
    expect(throttleBackoffMs(4, () => 0)).toBe(8_000);
    expect(throttleBackoffMs(50, () => 1)).toBe(600_000);
    const spread = new Set(Array.from({ length: 20 }, () => throttleBackoffMs(3)));
    expect(spread.size).toBeGreaterThan(10);
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(4_000);
  });
});
