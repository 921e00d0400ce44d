/**
 * The store's contract for audit entries recorded at the same moment (every API request that reads
 * personal data leaves one before it is answered): group-committed, yet each written exactly once, in
 * the order recorded, and only once committed; an entry the database refuses fails alone; an entry
 * recorded inside a transaction commits or rolls back with it. Part of storeSuite: every engine.
 */
import { randomUUID } from 'node:crypto';
import type { Harness } from './contract';

const AT_ONCE = 50;
const isAuditInsert = (sql: unknown): boolean => typeof sql === 'string' && sql.includes('INSERT INTO connector_activity');

export function auditContract(harness: () => Harness): void {
  test('fifty entries recorded at once are each written exactly once, in the order recorded, by fewer statements', async () => {
    const { store, client } = harness();
    const connectorId = randomUUID();
    const statements = jest.spyOn(client, 'query');
    try {
      const recorded = await Promise.all(
        Array.from({ length: AT_ONCE }, (_, i) =>
          store.audit.record(
            { connectorId, userId: `reader-${i}` },
            { activityType: 'api.personal-data-read', details: { route: '/api/v1/audit-log', reader: i } },
          ),
        ),
      );
      expect(recorded).toEqual(Array.from({ length: AT_ONCE }, () => true));
      const inserts = statements.mock.calls.filter(([sql]) => isAuditInsert(sql)).length;
      expect(inserts).toBeGreaterThan(0);
      expect(inserts).toBeLessThan(AT_ONCE);
    } finally {
      statements.mockRestore();
    }
    const entries = await store.audit.list(connectorId, 1000);
    // Newest first: the last one recorded heads the list.
    expect(entries.map((entry) => entry.userId)).toEqual(Array.from({ length: AT_ONCE }, (_, i) => `reader-${AT_ONCE - 1 - i}`));
    expect(entries.map((entry) => entry.details.reader)).toEqual(Array.from({ length: AT_ONCE }, (_, i) => AT_ONCE - 1 - i));
  });

  test('each record resolves only once its entry is committed: read right after, every one is there', async () => {
    const { store } = harness();
    const connectorId = randomUUID();
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        await store.audit.record({ connectorId, userId: `u-${i}` }, { activityType: 'api.personal-data-read', details: { i } });
        const seen = await store.audit.list(connectorId, 1000);
        expect(seen.map((entry) => entry.userId)).toContain(`u-${i}`);
      }),
    );
  });

  test('an entry the database refuses fails alone: the others recorded with it are written once', async () => {
    const { store } = harness();
    const connectorId = randomUUID();
    const outcomes = await Promise.allSettled(
      ['before', 'nul\u0000byte', 'after'].map((userId) =>
        store.audit.record({ connectorId, userId }, { activityType: 'api.personal-data-read', details: {} }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.audit.list(connectorId)).map((entry) => entry.userId)).toEqual(['after', 'before']);
  });

  test('an entry recorded inside a transaction rolls back with it', async () => {
    const { store } = harness();
    const connectorId = randomUUID();
    const abandoned = store.recordOnce(`audit-contract/${connectorId}`, async (tx) => {
      await tx.audit.record({ connectorId, userId: 'lena' }, { activityType: 'batch.blocked', details: {} });
      throw new Error('the rest of the transaction failed');
    });
    await expect(abandoned).rejects.toThrow('the rest of the transaction failed');
    expect(await store.audit.list(connectorId)).toEqual([]);
  });
}
