/**
 * The store's contract for what keeps two cycles of one connector from corrupting its warehouse:
 * cursors that move only from the position a cycle committed, and one claim per connector. Part of
 * storeSuite, so it runs on every engine.
 */
import { randomUUID } from 'node:crypto';
import type { Repositories } from '../../activities/store/store';
import type { Harness } from './contract';
import { connectorInput, newUserId, runReport } from './fixtures';

const monday = { value: '2024-03-04T10:00:00.000Z', lastKey: '003A' };
const tuesday = { value: '2024-03-05T10:00:00.000Z', lastKey: '003B' };
const wednesday = { value: '2024-03-06T10:00:00.000Z', lastKey: '003C' };

export function cycleContract(harness: () => Harness): void {
  test('a cursor moves only from the position the committer read: an older cycle cannot take it back', async () => {
    const { store } = harness();
    const connector = await store.connectors.create(connectorInput(newUserId()));

    expect(await store.cursors.commit(connector.id, 'contact', monday, null)).toBe(true);
    // The newer cycle moves it on from Monday to Wednesday...
    expect(await store.cursors.commit(connector.id, 'contact', wednesday, monday)).toBe(true);
    // ...and the older one, which also read Monday, would move it back to Tuesday: refused.
    expect(await store.cursors.commit(connector.id, 'contact', tuesday, monday)).toBe(false);
    // A first commit is refused too once a position is stored.
    expect(await store.cursors.commit(connector.id, 'contact', tuesday, null)).toBe(false);
    expect((await store.cursors.get(connector.id)).contact).toEqual(wednesday);

    // A retried commit finds its own position stored: a success that changes nothing.
    expect(await store.cursors.commit(connector.id, 'contact', wednesday, monday)).toBe(true);
    expect((await store.cursors.get(connector.id)).contact).toEqual(wednesday);
  });

  test('one cycle holds a connector; a stale holder is replaced only by name, and only its holder releases it', async () => {
    const { store } = harness();
    const connectorId = randomUUID();
    expect(await store.cycleClaims.holder(connectorId)).toBeNull();

    expect(await store.cycleClaims.claim(connectorId, 'cycle/a')).toBe('cycle/a');
    expect(await store.cycleClaims.claim(connectorId, 'cycle/a')).toBe('cycle/a');
    expect(await store.cycleClaims.claim(connectorId, 'cycle/b')).toBe('cycle/a');

    // Two cycles finding the same stale holder: only the first takes over.
    expect(await store.cycleClaims.takeOver(connectorId, 'cycle/a', 'cycle/b')).toBe(true);
    expect(await store.cycleClaims.takeOver(connectorId, 'cycle/a', 'cycle/c')).toBe(false);
    expect(await store.cycleClaims.holder(connectorId)).toBe('cycle/b');

    await store.cycleClaims.release(connectorId, 'cycle/a');
    expect(await store.cycleClaims.holder(connectorId)).toBe('cycle/b');
    await store.cycleClaims.release(connectorId, 'cycle/b');
    await store.cycleClaims.release(connectorId, 'cycle/b');
    expect(await store.cycleClaims.holder(connectorId)).toBeNull();
    expect(await store.cycleClaims.claim(connectorId, 'cycle/c')).toBe('cycle/c');
  });

  test('concurrent claims of one connector have one winner', async () => {
    const { store } = harness();
    const connectorId = randomUUID();
    const claimants = Array.from({ length: 8 }, (_, i) => `cycle/${i}`);
    const holders = await Promise.all(claimants.map((id) => store.cycleClaims.claim(connectorId, id)));
    expect(new Set(holders).size).toBe(1);
  });

  test('writes recorded once per key: a retry after a partial write counts once, a repeat not at all', async () => {
    const { store } = harness();
    const connector = await store.connectors.create(connectorInput(newUserId()));
    const key = `activity/${randomUUID()}/run/7`;
    const owner = { connectorId: connector.id, userId: connector.userId };
    const count = (s: Repositories) => async (): Promise<void> => {
      await s.metrics.add(owner, '2024-03-04', { runs: 1 });
      await s.audit.record(owner, { activityType: 'cycle.completed', details: {} });
    };

    // The first attempt dies after its first write: nothing of it stays, and the key stays free.
    await expect(
      store.recordOnce(key, async (tx) => {
        await tx.metrics.add(owner, '2024-03-04', { runs: 1 });
        throw new Error('worker lost mid-write');
      }),
    ).rejects.toThrow('worker lost mid-write');
    expect(await store.metrics.list(connector.id)).toEqual([]);

    expect(await store.recordOnce(key, async (tx) => count(tx)())).toBe(true);
    expect(await store.recordOnce(key, async (tx) => count(tx)())).toBe(false);
    expect(await store.metrics.list(connector.id)).toEqual([{ date: '2024-03-04', metrics: { runs: 1 } }]);
    expect((await store.audit.list(connector.id)).filter((a) => a.activityType === 'cycle.completed')).toHaveLength(1);
  });

  test('an audit event recorded under a key writes its row and its counters once, together', async () => {
    const { store } = harness();
    const connector = await store.connectors.create(connectorInput(newUserId()));
    const owner = { connectorId: connector.id, userId: connector.userId };
    const key = `activity/${randomUUID()}/run/8`;
    const event = { activityType: 'batch.blocked', details: { stream: 'contact' }, metrics: { rows: 10 } };
    const record = () => store.audit.record(owner, event, { key, day: '2024-03-05', counters: { batchesBlocked: 1 } });

    expect(await record()).toBe(true);
    expect(await record()).toBe(false);
    expect(await store.metrics.list(connector.id)).toEqual([{ date: '2024-03-05', metrics: { batchesBlocked: 1 } }]);
    expect((await store.audit.list(connector.id)).map(({ activityType, metrics }) => ({ activityType, metrics }))).toEqual([
      { activityType: 'batch.blocked', metrics: { rows: 10 } },
    ]);
    // Counters the metrics refuse take their audit row with them.
    await expect(store.audit.record(owner, event, { day: '2024-13-01', counters: { batchesBlocked: 1 } })).rejects.toThrow(/date/);
    expect(await store.audit.list(connector.id)).toHaveLength(1);
  });

  test('a run report keeps why a cycle was skipped', async () => {
    const { store } = harness();
    const connector = await store.connectors.create(connectorInput(newUserId()));
    const report = {
      ...runReport(connector.id, 'skipped', new Date('2024-03-04T10:00:00.000Z'), []),
      detail: 'cycle cycle/x of this connector is still running; this one started nothing',
    };
    await store.runs.save(report);
    expect(await store.runs.get(report.workflowId)).toEqual(report);
  });
}
