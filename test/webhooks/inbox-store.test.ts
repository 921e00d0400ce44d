/**
 * The webhook inbox in the control-plane store, on embedded PGlite and on PostgreSQL: a delivery is
 * kept whole, each event once per connector, read back in arrival order; erasure finds an address's
 * events whatever its case.
 */
import { randomUUID } from 'node:crypto';
import { createSendgridSource } from '../../activities/sources/sendgrid';
import { sendgridSourceSchema } from '../../activities/sources/sendgrid/definition';
import type { SourcePage } from '../../activities/sources/types';
import { checkInboxEvent, inboxReader, type InboxDelivery, type InboxEventInput } from '../../activities/store/inbox';
import { openHarness, useHarness, type Harness } from '../store/contract';
import { describeOnPostgres } from '../store/on-postgres';

const fields = (id: string, email = `reader-${id}@example.com`, quarantineReason: string | null = null) => ({
  eventId: id,
  email,
  payload: { sg_event_id: id, email, event: 'delivered', timestamp: 1_767_000_000 },
  quarantineReason,
});
const event = (...of: Parameters<typeof fields>): InboxEventInput => checkInboxEvent(fields(...of));

const delivery = (connectorId: string, events: InboxEventInput[]): InboxDelivery => ({ connectorId, receivedAt: new Date(), events });

function inboxSuite(engine: string, open: () => Promise<Harness>): void {
  describe(`webhook inbox on ${engine}`, () => {
    const harness = useHarness(open);

    test('a delivery is stored in order, and a redelivery of it stores nothing', async () => {
      const { store } = harness();
      const connectorId = randomUUID();
      const events = ['a', 'b', 'c'].map((id) => event(`${id}-${connectorId}`));
      expect(await store.inbox.save(delivery(connectorId, events))).toEqual({ stored: 3, duplicates: 0, quarantined: 0 });
      expect(await store.inbox.save(delivery(connectorId, events))).toEqual({ stored: 0, duplicates: 3, quarantined: 0 });

      const read = await store.inbox.read(connectorId, '0', 100);
      expect(read.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
      expect(read[0]?.payload).toEqual(events[0]?.payload);
      const seqs = read.map((e) => BigInt(e.seq));
      expect(seqs).toEqual([...seqs].sort((x, y) => (x < y ? -1 : 1)));
    });

    test('an event repeated inside one delivery is stored once; a quarantined one keeps its reason', async () => {
      const { store } = harness();
      const connectorId = randomUUID();
      const stale = event(`stale-${connectorId}`, 'old@example.com', 'timestamp outside the last 24 hours');
      const receipt = await store.inbox.save(delivery(connectorId, [event(`x-${connectorId}`), event(`x-${connectorId}`), stale]));
      expect(receipt).toEqual({ stored: 2, duplicates: 1, quarantined: 1 });
      const read = await store.inbox.read(connectorId, '0', 100);
      expect(read.map((e) => [e.eventId, e.quarantineReason])).toEqual([
        [`x-${connectorId}`, null],
        [`stale-${connectorId}`, 'timestamp outside the last 24 hours'],
      ]);
    });

    test('reads page after a position and see only their own connector', async () => {
      const { store } = harness();
      const [mine, theirs] = [randomUUID(), randomUUID()];
      await store.inbox.save(
        delivery(
          mine,
          [1, 2, 3, 4, 5].map((n) => event(`m${n}-${mine}`)),
        ),
      );
      await store.inbox.save(delivery(theirs, [event(`t-${theirs}`)]));
      const first = await store.inbox.read(mine, '0', 2);
      expect(first.map((e) => e.eventId)).toEqual([`m1-${mine}`, `m2-${mine}`]);
      const rest = await store.inbox.read(mine, first[1]?.seq ?? '', 10);
      expect(rest.map((e) => e.eventId)).toEqual([3, 4, 5].map((n) => `m${n}-${mine}`));
      expect(await store.inbox.read(mine, rest[2]?.seq ?? '', 10)).toEqual([]);
    });

    test("the drain reads as many events a page as the connector's batch holds (never fewer than 1,000), and a short page ends the read", async () => {
      const { store } = harness();
      const connectorId = randomUUID();
      const ids = Array.from({ length: 4_500 }, (_, n) => `p${n}-${connectorId}`);
      await store.inbox.save(
        delivery(
          connectorId,
          ids.map((id) => event(id)),
        ),
      );
      const source = createSendgridSource(inboxReader(store.inbox));
      const readAll = async (batchSize: number): Promise<SourcePage[]> => {
        const config = sendgridSourceSchema.parse({ kind: 'sendgrid', allowUnsigned: true, batchSize });
        const pages: SourcePage[] = [];
        let pageToken: string | null = null;
        do {
          const page: SourcePage = await source.readPage(
            config,
            'events',
            { connectorId, cursor: null, pageToken, partition: null },
            new AbortController().signal,
          );
          pages.push(page);
          pageToken = page.nextPageToken;
        } while (pageToken !== null);
        return pages;
      };
      const byTwoThousand = await readAll(2_000);
      expect(byTwoThousand.map((page) => page.rows.length)).toEqual([2_000, 2_000, 500]);
      expect(byTwoThousand.flatMap((page) => page.rows.map((row) => row.sg_event_id))).toEqual(ids);
      expect((await readAll(100)).map((page) => page.rows.length)).toEqual([1_000, 1_000, 1_000, 1_000, 500]);
    });

    test('bad input is refused naming the field, and nothing of that delivery is stored', async () => {
      const { store } = harness();
      const connectorId = randomUUID();
      await expect(store.inbox.save(delivery('not-a-uuid', [event('e1')]))).rejects.toThrow(/connectorId/);
      await expect(store.inbox.save({ ...delivery(connectorId, [event('e1')]), receivedAt: new Date(Number.NaN) })).rejects.toThrow(
        /receivedAt/,
      );
      // The store takes events of the inbox's types (its schemas or a source's built on them); an event
      // of plain values is checked first, and a bad field named.
      expect(() => checkInboxEvent({ ...fields('bad'), eventId: '' })).toThrow(/eventId/);
      expect(() => checkInboxEvent({ ...fields('long'), eventId: 'x'.repeat(256) })).toThrow(/255 characters[\s\S]*eventId/);
      expect(() => checkInboxEvent(fields('empty reason', 'reader@example.com', ''))).toThrow(/quarantineReason/);
      expect(await store.inbox.read(connectorId, '0', 10)).toEqual([]);
      await expect(store.inbox.read(connectorId, '-1', 10)).rejects.toThrow(/afterSeq/);
    });

    test('erasure deletes every connector’s events about an address, in any case, and no other', async () => {
      const { store } = harness();
      const [one, two] = [randomUUID(), randomUUID()];
      const address = `Erase.Me.${randomUUID()}@Example.com`;
      await store.inbox.save(delivery(one, [event(`e1-${one}`, address), event(`keep-${one}`)]));
      await store.inbox.save(delivery(two, [event(`e2-${two}`, address.toLowerCase())]));
      expect(await store.inbox.eraseSubject(address.toUpperCase())).toBe(2);
      expect((await store.inbox.read(one, '0', 10)).map((e) => e.eventId)).toEqual([`keep-${one}`]);
      expect(await store.inbox.read(two, '0', 10)).toEqual([]);
    });

    test('concurrent deliveries to one connector all land, each once, in a single order', async () => {
      const { store } = harness();
      const connectorId = randomUUID();
      const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 25 }, (_, i) => event(`c${b}-${i}-${connectorId}`)));
      const receipts = await Promise.all(
        batches.map((events) => store.inbox.save(delivery(connectorId, [...events, ...events.slice(0, 5)]))),
      );
      expect(receipts.reduce((n, r) => n + r.stored, 0)).toBe(200);
      const read = await store.inbox.read(connectorId, '0', 1_000);
      expect(new Set(read.map((e) => e.eventId)).size).toBe(200);
      // A delivery is one transaction under the connector's lock: its events stay together, in order.
      for (const events of batches) {
        const positions = events.map((e) => read.findIndex((r) => r.eventId === e.eventId));
        expect(positions).toEqual(Array.from({ length: 25 }, (_, i) => (positions[0] ?? 0) + i));
      }
    });
  });
}

inboxSuite('PGlite (in memory)', () => openHarness({}));

describeOnPostgres('PostgreSQL', (freshDatabase) => {
  inboxSuite('PostgreSQL', async () => openHarness({ databaseUrl: await freshDatabase() }));
});
