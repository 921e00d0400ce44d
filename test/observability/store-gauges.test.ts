/**
 * The gauges read from the store at scrape time, on PGlite and PostgreSQL: what an operator's
 * alert rules see for waiting approvals, API usage, freshness, failures in a row, credentials and
 * retention.
 */
import { Registry } from 'prom-client';
import { logger } from '../../activities/logger';
import { registerStoreGauges } from '../../activities/observability/store-gauges';
import { storeReadFailures } from '../../activities/observability/metrics';
import { createConnectorSchema } from '../../domain/connector';
import { ephemeralKeyRing } from '../../activities/secrets';
import { openStore } from '../../activities/store';
import type { Store } from '../../activities/store/store';
import { useStore, type OpenStore } from '../support/store';
import { createFreshDatabase, startPostgres } from '../store/postgres';
import { connectorInput, newUserId, pendingApproval, runReport, streamReport } from '../store/fixtures';

const HOUR = 3_600_000;

/** The value of one series, found by its name and labels in the exposition text. */
function valueOf(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((pair) => l.includes(pair)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The same figures from the embedded store and from PostgreSQL. */
function gaugeSuite(engine: string, open: OpenStore<Store>): void {
  describe(engine, () => {
    const stored = useStore(open);

    /** One scrape of the store's gauges: `name{labels} value` lines. */
    async function scrape(): Promise<string> {
      const registry = new Registry();
      const remove = registerStoreGauges(stored.store, logger, registry);
      try {
        return await registry.metrics();
      } finally {
        remove();
      }
    }

    test('a waiting approval: how many, how long the oldest has waited, how long until its timeout', async () => {
      const connector = await stored.store.connectors.create(connectorInput(newUserId()));
      await stored.store.approvals.saveRequest(pendingApproval({ connectorId: connector.id, openedAt: new Date(Date.now() - 2 * HOUR) }));
      const text = await scrape();
      const labels = { connector_id: connector.id };
      expect(valueOf(text, 'insight_hub_approvals_waiting', labels)).toBe(1);
      expect(valueOf(text, 'insight_hub_approval_oldest_wait_seconds', labels)).toBeGreaterThanOrEqual(7_200);
      // The fixture's deadline is a day after opening: 22 hours are left.
      expect(valueOf(text, 'insight_hub_approval_timeout_remaining_seconds', labels)).toBeCloseTo(22 * 3_600, -2);
    });

    test("API usage: the current window's share of the limit; a past window shows nothing", async () => {
      const connector = await stored.store.connectors.create(connectorInput(newUserId()));
      const base = { connectorId: connector.id, source: 'salesforce', mode: 'set' as const, limit: 100_000 };
      const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
      await stored.store.apiUsage.record({ ...base, scope: 'daily-api-requests', windowStart: today, used: 85_000 });
      // Salesforce's rate window is much shorter than an hour: this one is over.
      await stored.store.apiUsage.record({
        ...base,
        scope: 'rate',
        windowStart: new Date(Date.now() - HOUR),
        mode: 'add',
        used: 99,
        limit: 100,
      });
      const text = await scrape();
      expect(valueOf(text, 'insight_hub_api_usage_ratio', { connector_id: connector.id, window: 'daily-api-requests' })).toBeCloseTo(0.85);
      expect(valueOf(text, 'insight_hub_api_usage_ratio', { connector_id: connector.id, window: 'rate' })).toBeUndefined();
    });

    test('freshness per stream against the target the connector sets; failures in a row since the last good cycle', async () => {
      const input = connectorInput(newUserId());
      const withTarget = createConnectorSchema.parse({
        ...input,
        configuration: { ...input.configuration, guardrails: { ...input.configuration.guardrails, freshnessTargetMinutes: 30 } },
      });
      const connector = await stored.store.connectors.create(withTarget);
      const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR);
      await stored.store.runs.save(runReport(connector.id, 'completed', at(5), [streamReport('contact'), streamReport('lead')]));
      await stored.store.runs.save(runReport(connector.id, 'failed', at(3), [streamReport('contact', { outcome: 'failed' })]));
      await stored.store.runs.save(runReport(connector.id, 'completed', at(2), [streamReport('lead')]));
      await stored.store.runs.save(runReport(connector.id, 'failed', at(1), [streamReport('lead', { outcome: 'failed' })]));
      await stored.store.runs.save(runReport(connector.id, 'failed', at(0.5), [streamReport('lead', { outcome: 'failed' })]));
      const text = await scrape();
      const contact = { connector_id: connector.id, stream: 'contact' };
      // contact last loaded by the 5 h-ago cycle (ended a minute after it started), lead by the 2 h-ago one.
      expect(valueOf(text, 'insight_hub_freshness_seconds', contact)).toBeCloseTo(5 * 3_600 - 60, -2);
      expect(valueOf(text, 'insight_hub_freshness_seconds', { ...contact, stream: 'lead' })).toBeCloseTo(2 * 3_600 - 60, -2);
      expect(valueOf(text, 'insight_hub_freshness_target_seconds', contact)).toBe(1_800);
      expect(valueOf(text, 'insight_hub_cycles_failed_in_a_row', { connector_id: connector.id })).toBe(2);
    });
  });
}

gaugeSuite('PGlite (in memory)', () => openStore({}));

const postgres = startPostgres();
if (postgres.available) {
  gaugeSuite('PostgreSQL', async (defer) => {
    const database = await createFreshDatabase(postgres.adminUrl);
    defer(() => database.drop());
    return openStore({ databaseUrl: database.url, secrets: ephemeralKeyRing() });
  });
}

test('a store that cannot be read leaves the gauges out and counts the failure, instead of failing the scrape', async () => {
  const registry = new Registry();
  let reads = 0;
  const failing = { read: () => ((reads += 1), Promise.reject(new Error('connection refused'))) };
  const remove = registerStoreGauges({ liveFigures: failing }, logger, registry);
  const failuresBefore = (await storeReadFailures.get()).values[0]?.value ?? 0;
  try {
    const text = await registry.metrics();
    expect(text).toContain('# TYPE insight_hub_approvals_waiting gauge');
    expect(text).not.toMatch(/^insight_hub_approvals_waiting\{/m);
    // One read per scrape, shared by every gauge, and its failure counted once.
    expect(reads).toBe(1);
    expect((await storeReadFailures.get()).values[0]?.value).toBe(failuresBefore + 1);
  } finally {
    remove();
  }
});
