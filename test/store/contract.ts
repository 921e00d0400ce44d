/**
 * The store's contract, run by store.test.ts against every engine: what the API, the workflows and
 * an operator rely on, checked through the public methods (and raw SQL where a user would try it).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { openSqlClient } from '../../activities/store';
import { migrate, readMigrations } from '../../activities/store/migrate';
import type { SqlClient } from '../../activities/store/sql-client';
import { sqlStore, type Store } from '../../activities/store/store';
import type { ActivityEntry } from '../../activities/store/audit';
import type { OutcomeEntry } from '../../activities/store/outcomes';
import { parseKeyRing } from '../../activities/secrets';
import { keyEntry } from '../secrets/fixtures';
import { useFixture } from '../support/fixture';
import { analysisContract } from './contract-analysis';
import { approvalContract } from './contract-approvals';
import { auditContract } from './contract-audit';
import { qualityReportContract } from './contract-quality-reports';
import { secretsContract } from './contract-secrets';
import { cycleContract } from './contract-cycles';
import { connectorInput, newUserId, qualityReport, runReport, sha256Of, streamReport } from './fixtures';

export interface Harness {
  store: Store;
  client: SqlClient;
  /** The store's INSIGHT_HUB_SECRET_KEYS: one key, `store-k1`. */
  secretKeys: string;
}

export async function openHarness(options: { databaseUrl?: string }): Promise<Harness> {
  const client = await openSqlClient(options);
  const secretKeys = keyEntry('store-k1');
  const store = sqlStore(client, parseKeyRing(secretKeys, 'INSIGHT_HUB_SECRET_KEYS'));
  await store.migrate();
  return { store, client, secretKeys };
}

const countRow = z.object({ count: z.number() });
export async function countOf(client: SqlClient, sql: string, params: string[] = []): Promise<number> {
  const [row] = (await client.query(sql, params)).map((r) => countRow.parse(r));
  return row?.count ?? Number.NaN;
}

/** The harness of the describe block it is called in: opened before its tests, its store closed after them. */
export function useHarness(open: () => Promise<Harness>): () => Harness {
  return useFixture('the store harness', async (defer) => {
    const harness = await open();
    defer(() => harness.store.close());
    return harness;
  });
}

export function storeSuite(engine: string, open: () => Promise<Harness>): void {
  describe(`control-plane store on ${engine}`, () => {
    const harness = useHarness(open);

    test('creates, reads, updates and deletes a connector', async () => {
      const { store } = harness();
      const input = connectorInput(newUserId());
      const created = await store.connectors.create(input);
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created).toMatchObject({ userId: input.userId, name: input.name, description: input.description, status: 'active' });
      expect(created.configuration).toEqual(input.configuration);
      expect(await store.connectors.get(created.id)).toEqual(created);

      const updated = await store.connectors.update(created.id, { name: 'Renamed', status: 'paused' });
      expect(updated).toMatchObject({ id: created.id, name: 'Renamed', status: 'paused', description: input.description });
      expect(updated?.configuration).toEqual(input.configuration);
      expect(Date.parse(updated?.updatedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(created.createdAt));

      const configuration = { ...input.configuration, guardrails: { ...input.configuration.guardrails, maxInvalidShare: 0.05 } };
      const reconfigured = await store.connectors.update(created.id, { configuration });
      expect(reconfigured?.configuration.guardrails.maxInvalidShare).toBe(0.05);
      expect(reconfigured?.name).toBe('Renamed');

      expect(await store.connectors.delete(created.id)).toBe(true);
      expect(await store.connectors.get(created.id)).toBeNull();
      expect(await store.connectors.delete(created.id)).toBe(false);
      expect(await store.connectors.update(created.id, { name: 'x' })).toBeNull();
    });

    test('applies schema defaults and refuses an invalid configuration naming the field', async () => {
      const { store } = harness();
      const input = connectorInput(newUserId());
      const { destination, guardrails, schedule, ...minimal } = input.configuration;
      expect([destination, guardrails, schedule]).toHaveLength(3);
      const created = await store.connectors.create({ ...input, configuration: { ...minimal, destination, guardrails, schedule } });
      expect(created.configuration.schedule.every).toBe('15m');

      const bad = {
        ...input,
        configuration: { ...input.configuration, guardrails: { ...input.configuration.guardrails, maxInvalidShare: 2 } },
      };
      await expect(store.connectors.create(bad)).rejects.toThrow(/configuration\.guardrails\.maxInvalidShare/);
      expect(await store.connectors.listByUser(input.userId)).toHaveLength(1);
    });

    test('unknown and malformed ids read as absent', async () => {
      const { store } = harness();
      expect(await store.connectors.get(randomUUID())).toBeNull();
      expect(await store.connectors.get('not-a-uuid')).toBeNull();
      expect(await store.connectors.delete('not-a-uuid')).toBe(false);
      expect(await store.qualityReports.get('nope')).toBeNull();
      expect(await store.runs.get(`cycle/${randomUUID()}/manual`)).toBeNull();
    });

    test("lists a user's connectors, newest first, and only theirs", async () => {
      const { store } = harness();
      const alice = newUserId();
      const bob = newUserId();
      const first = await store.connectors.create(connectorInput(alice, 'first'));
      const second = await store.connectors.create(connectorInput(alice, 'second'));
      const bobs = await store.connectors.create(connectorInput(bob, 'bob'));

      const alices = await store.connectors.listByUser(alice);
      expect(alices.map((c) => c.id).sort()).toEqual([first.id, second.id].sort());
      expect(Date.parse(alices[0]?.createdAt ?? '')).toBeGreaterThanOrEqual(Date.parse(alices[1]?.createdAt ?? ''));
      expect((await store.connectors.listByUser(bob)).map((c) => c.id)).toEqual([bobs.id]);
      expect(await store.connectors.listByUser(newUserId())).toEqual([]);
      const everyone = (await store.connectors.list()).map((c) => c.id);
      expect(everyone).toEqual(expect.arrayContaining([first.id, second.id, bobs.id]));
    });

    test('commits cursors per stream; deleting the connector drops them and keeps its audit trail', async () => {
      const { store } = harness();
      const connector = await store.connectors.create(connectorInput(newUserId()));
      expect(await store.cursors.get(connector.id)).toEqual({});

      await store.cursors.commit(connector.id, 'contact', { value: '2024-03-01T10:00:00.000Z', lastKey: '003A' }, null);
      await store.cursors.commit(connector.id, 'lead', { value: '2024-03-01T09:00:00.000Z', lastKey: '00QA' }, null);
      await store.cursors.commit(
        connector.id,
        'contact',
        { value: '2024-03-02T10:00:00.000Z', lastKey: '003B' },
        { value: '2024-03-01T10:00:00.000Z', lastKey: '003A' },
      );
      expect(await store.cursors.get(connector.id)).toEqual({
        contact: { value: '2024-03-02T10:00:00.000Z', lastKey: '003B' },
        lead: { value: '2024-03-01T09:00:00.000Z', lastKey: '00QA' },
      });
      await expect(store.cursors.commit(connector.id, 'contact', { value: '', lastKey: 'x' }, null)).rejects.toThrow(/value/);

      await store.audit.record({ connectorId: connector.id, userId: connector.userId }, { activityType: 'connector.created', details: {} });
      await store.connectors.delete(connector.id);
      expect(await store.cursors.get(connector.id)).toEqual({});
      expect((await store.audit.list(connector.id)).map((a) => a.activityType)).toEqual(['connector.created']);
    });

    test('the audit log is append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
      const { store, client } = harness();
      const connectorId = randomUUID();
      const userId = newUserId();
      const entries: ActivityEntry[] = [
        { connectorId, userId, activityType: 'connector.created', details: { via: 'api' } },
        {
          connectorId,
          userId,
          activityType: 'batch.blocked',
          details: { stream: 'contact' },
          metrics: { invalidShare: 0.4, rows: 100 },
        },
        { connectorId, userId, activityType: 'cycle.completed', details: { workflowId: 'w-1' }, metrics: { rowsLoaded: 90 } },
      ];
      for (const { connectorId, userId, ...event } of entries) await store.audit.record({ connectorId, userId }, event);

      const listed = await store.audit.list(connectorId);
      expect(listed.map(({ activityType, details, metrics }) => ({ activityType, details, metrics }))).toEqual(
        [...entries].reverse().map(({ activityType, details, metrics }) => ({ activityType, details, metrics })),
      );
      expect(await store.audit.list(connectorId, 1)).toHaveLength(1);

      const forge = `UPDATE connector_activity SET activity_type = 'forged' WHERE config_id = $1`;
      await expect(client.query(forge, [connectorId])).rejects.toThrow(/append-only/);
      const erase = 'DELETE FROM connector_activity WHERE config_id = $1';
      await expect(client.query(erase, [connectorId])).rejects.toThrow(/append-only/);
      await expect(client.exec('TRUNCATE connector_activity')).rejects.toThrow(/append-only/);
      expect(await store.audit.list(connectorId)).toEqual(listed);
    });

    test('refuses an activity entry without a valid connector id, naming the field', async () => {
      await expect(harness().store.audit.record({ connectorId: 'abc', userId: 'u' }, { activityType: 'x', details: {} })).rejects.toThrow(
        /connectorId/,
      );
    });

    test('metrics accumulate per day, concurrent additions included', async () => {
      const { store } = harness();
      const connector = { connectorId: randomUUID(), userId: newUserId() };
      const additions: { date: string; counters: Record<string, number> }[] = [
        { date: '2024-05-01', counters: { runs: 1, rowsLoaded: 120, apiCalls: 4 } },
        { date: '2024-05-01', counters: { runs: 1, rowsLoaded: 30, batchesBlocked: 1 } },
        { date: '2024-05-02', counters: { runs: 1, rowsLoaded: 7.5 } },
      ];
      for (const { date, counters } of additions) await store.metrics.add(connector, date, counters);
      // Racing on an existing day's row and on a day's first insert.
      const concurrent = ['2024-05-02', '2024-05-02', '2024-05-02', '2024-05-03', '2024-05-03', '2024-05-03'].map((date) => ({
        date,
        counters: { runs: 1 },
      }));
      await Promise.all(concurrent.map(({ date, counters }) => store.metrics.add(connector, date, counters)));

      const expected = new Map<string, Record<string, number>>();
      for (const { date, counters } of [...additions, ...concurrent]) {
        const day = expected.get(date) ?? {};
        for (const [key, value] of Object.entries(counters)) day[key] = (day[key] ?? 0) + value;
        expected.set(date, day);
      }
      expect(await store.metrics.list(connector.connectorId)).toEqual([...expected].map(([date, metrics]) => ({ date, metrics })));
      await expect(store.metrics.add(connector, '2024-13-01', { runs: 1 })).rejects.toThrow(/date/);
    });

    test('records outcomes with predicted and actual figures', async () => {
      const { store } = harness();
      const connectorId = randomUUID();
      const userId = newUserId();
      const outcomes: OutcomeEntry[] = [
        { connectorId, userId, predicted: { rowsExtracted: 200 }, actual: { rowsLoaded: 180, rowsQuarantined: 20 }, accuracy: 0.9 },
        { connectorId, userId, predicted: { rowsExtracted: 0 }, actual: { rowsLoaded: 0 }, accuracy: null },
      ];
      for (const outcome of outcomes) await store.outcomes.record(outcome);
      const stored = await store.outcomes.list(connectorId);
      expect(stored.map(({ predicted, actual, accuracy }) => ({ predicted, actual, accuracy }))).toEqual(
        expect.arrayContaining(outcomes.map(({ predicted, actual, accuracy }) => ({ predicted, actual, accuracy }))),
      );
      expect(stored).toHaveLength(outcomes.length);
    });

    test('a quality report is stored once per batch', async () => {
      const { store } = harness();
      const connectorId = randomUUID();
      const batchSha256 = sha256Of(`batch-${connectorId}`);
      const first = qualityReport(100, [{ type: 'expect_column_values_to_not_be_null', column: 'Email', unexpected: 3 }]);
      const id = await store.qualityReports.save({ connectorId, stream: 'contact', batchSha256, report: first });
      const again = await store.qualityReports.save({ connectorId, stream: 'contact', batchSha256, report: qualityReport(100, []) });
      expect(again).toBe(id);
      expect(await store.qualityReports.get(id)).toMatchObject({ id, connectorId, stream: 'contact', batchSha256, report: first });

      const other = await store.qualityReports.save({ connectorId, stream: 'contact', batchSha256: sha256Of('other'), report: first });
      expect(other).not.toBe(id);
      await expect(store.qualityReports.save({ connectorId, stream: 'contact', batchSha256: 'abc', report: first })).rejects.toThrow(
        /batchSha256/,
      );
    });

    test('run reports are upserted by workflow id and listed newest first', async () => {
      const { store } = harness();
      const connectorId = randomUUID();
      const earlier = runReport(connectorId, 'completed', new Date('2024-06-01T10:00:00.000Z'), [streamReport('lead', { loaded: 3 })]);
      const running = runReport(connectorId, 'running', new Date('2024-06-02T10:00:00.000Z'), [], null);
      await store.runs.save(earlier);
      await store.runs.save(running);
      expect(await store.runs.get(running.workflowId)).toEqual(running);

      const finished = {
        ...running,
        status: 'deferred' as const,
        finishedAt: '2024-06-02T10:05:00.000Z',
        streams: [streamReport('contact', { outcome: 'deferred', extracted: 10, loaded: 9, quarantined: 1, detail: 'daily API quota' })],
      };
      await store.runs.save(finished);
      expect(await store.runs.get(running.workflowId)).toEqual(finished);
      expect(await store.runs.list(connectorId)).toEqual([finished, earlier]);
      expect(await store.runs.list(connectorId, 1)).toEqual([finished]);
    });

    analysisContract(harness);
    approvalContract(harness);
    auditContract(harness);
    qualityReportContract(harness);
    secretsContract(harness);
    cycleContract(harness);

    test('migrating again applies nothing and keeps one row per migration', async () => {
      const { client } = harness();
      const files = await readMigrations();
      expect(await migrate(client)).toEqual([]);
      await harness().store.migrate();
      expect(await countOf(client, 'SELECT count(*)::int AS count FROM schema_migrations')).toBe(files.length);
    });
  });
}
