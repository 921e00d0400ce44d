/**
 * Group commit in the webhook inbox: deliveries saved at the same time share one transaction, each
 * still answered with its own receipt (a duplicate across two deliveries of one group counted once),
 * each delivery's events contiguous and in order; a delivery the database refuses fails alone.
 */
import { randomUUID } from 'node:crypto';
import { checkInboxEvent, sqlInbox, type InboxDelivery, type InboxEventInput } from '../../activities/store/inbox';
import type { SqlClient } from '../../activities/store/sql-client';
import { groupWhileBusy } from '../../activities/group-while-busy';
import { openPgliteClient } from '../../activities/store/pglite-client';
import { migrate } from '../../activities/store/migrate';

const event = (id: string, payload: Record<string, unknown> = {}): InboxEventInput =>
  checkInboxEvent({
    eventId: id,
    email: `reader-${id}@example.com`,
    payload: { sg_event_id: id, event: 'delivered', ...payload },
    quarantineReason: null,
  });

const delivery = (connectorId: string, events: InboxEventInput[]): InboxDelivery => ({ connectorId, receivedAt: new Date(), events });

/** The client, counting the transactions it runs. */
function counting(db: SqlClient): { db: SqlClient; transactions: () => number } {
  let transactions = 0;
  return {
    db: {
      query: (sql, params) => db.query(sql, params),
      exec: (sql) => db.exec(sql),
      transaction: (fn) => {
        transactions += 1;
        return db.transaction(fn);
      },
      close: () => db.close(),
    },
    transactions: () => transactions,
  };
}

let db: SqlClient;
beforeAll(async () => {
  db = await openPgliteClient();
  await migrate(db);
}, 120_000);
afterAll(async () => {
  await db?.close();
});

test('ten deliveries saved at once share a transaction; each gets its own receipt, a repeat across them counted once', async () => {
  const { db: counted, transactions } = counting(db);
  const inbox = sqlInbox(counted);
  const [one, two] = [randomUUID(), randomUUID()];
  const shared = event(`shared-${one}`);
  const deliveries = Array.from({ length: 10 }, (_, d) =>
    delivery(d % 2 === 0 ? one : two, [
      ...Array.from({ length: 20 }, (_, i) => event(`d${d}-e${i}`)),
      ...(d === 0 || d === 2 ? [shared] : []),
    ]),
  );
  const receipts = await Promise.all(deliveries.map((d) => inbox.save(d)));
  expect(transactions()).toBeLessThan(deliveries.length);
  expect(receipts[0]).toEqual({ stored: 21, duplicates: 0, quarantined: 0 });
  expect(receipts[2]).toEqual({ stored: 20, duplicates: 1, quarantined: 0 });
  expect(receipts.filter((_, d) => d !== 0 && d !== 2)).toEqual(Array(8).fill({ stored: 20, duplicates: 0, quarantined: 0 }));

  for (const connectorId of [one, two]) {
    const read = (await inbox.read(connectorId, '0', 1_000)).map((e) => e.eventId);
    expect(read).toHaveLength(connectorId === one ? 101 : 100);
    deliveries.forEach((d, index) => {
      if (d.connectorId !== connectorId) return;
      // Delivery 2's copy of the shared event was the duplicate: it is not stored.
      const stored = d.events.filter((e) => index !== 2 || e !== shared).map((e) => e.eventId);
      const start = read.indexOf(stored[0] ?? '');
      expect(read.slice(start, start + stored.length)).toEqual(stored);
    });
  }
});

test('a delivery the database refuses fails alone; the others of its group are stored', async () => {
  const inbox = sqlInbox(db);
  const connectorId = randomUUID();
  // PostgreSQL's jsonb holds no NUL character: the statement fails (the webhook route refuses such text before).
  const refused = delivery(connectorId, [event(`bad-${connectorId}`, { note: 'nul \u0000 here' })]);
  const good = [0, 1, 2].map((n) => delivery(connectorId, [event(`good${n}-${connectorId}`)]));
  const results = await Promise.allSettled([good[0], refused, good[1], good[2]].map((d) => inbox.save(d as InboxDelivery)));
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  expect((await inbox.read(connectorId, '0', 10)).map((e) => e.eventId)).toEqual([0, 1, 2].map((n) => `good${n}-${connectorId}`));
});

test('a call waits for the one under way and goes in one group with those that arrived meanwhile, within the limit', async () => {
  const groups: number[][] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const run = groupWhileBusy(
    async (items: number[]) => {
      groups.push(items);
      if (groups.length === 1) await gate;
      return items.map((n) => n * 10);
    },
    { max: 3 },
  );
  const first = run(1);
  await new Promise((resolve) => setImmediate(resolve));
  const rest = [2, 3, 4, 5].map((n) => run(n));
  release();
  expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50]);
  expect(groups).toEqual([[1], [2, 3, 4], [5]]);
});
