/**
 * Conformance: a load never lets an older version of a row win. Two cycles of one connector can
 * overlap, and a re-validated quarantine row can be older than what a later cycle stored; the
 * stream's cursor decides which version stays, for merges and deletions alike, and the load's
 * figures count only the rows it really wrote or removed.
 */
import type { DestinationConfig } from '../../domain/connector';
import type { StreamDefinition } from '../../domain/streams/types';
import type { Row } from '../../activities/sources/types';
import type { ConformanceState } from './conformance-state';
import { person } from './fixtures';

const EARLIER = '2026-01-05T10:00:00.000Z';
const LATER = '2026-01-06T10:00:00.000Z';
const LATEST = '2026-01-07T10:00:00.000Z';

/** A stream read by day, as GA4's daily metrics are: its cursor is a date. */
const dailyVisits: StreamDefinition = {
  name: 'daily_visits',
  table: 'conformance_daily_visits',
  primaryKey: 'id',
  cursorColumn: 'day',
  columns: [
    { name: 'id', type: 'string' },
    { name: 'day', type: 'date' },
    { name: 'visits', type: 'integer' },
  ],
};

export function describeVersionCases<C extends DestinationConfig>(state: ConformanceState<C>): void {
  const load = async (rows: readonly Row[], stream?: StreamDefinition) => {
    const batch = await state.batches().batch(rows, null, stream);
    return { batch, result: await state.load(batch) };
  };
  const counts = (merged: number, deleted: number) => ({ alreadyLoaded: false, merged, deleted, quarantined: 0 });

  test('an older version loaded after a newer one changes nothing, and is not counted as merged', async () => {
    const newer = await load([person('p1', { score: 2, modified_at: LATER })]);
    const older = await load([person('p1', { score: 1, modified_at: EARLIER }), person('p2')]);

    expect(older.result).toEqual({ loadId: older.batch.loadId, ...counts(1, 0) });
    const rows = await state.peopleById();
    expect(rows.get('p1')).toMatchObject({ score: 2, _ih_load_id: newer.batch.loadId });
    expect(rows.get('p2')).toMatchObject({ _ih_load_id: older.batch.loadId });
  });

  test('a newer version replaces the stored one', async () => {
    await load([person('p1', { score: 1, modified_at: EARLIER })]);
    const newer = await load([person('p1', { score: 2, modified_at: LATER })]);

    expect(newer.result).toEqual({ loadId: newer.batch.loadId, ...counts(1, 0) });
    expect((await state.peopleById()).get('p1')).toMatchObject({ score: 2, _ih_load_id: newer.batch.loadId });
  });

  test('a version with the same cursor value overwrites: a re-read of the same version wins', async () => {
    await load([person('p1', { score: 1, modified_at: LATER })]);
    const reread = await load([person('p1', { score: 5, modified_at: LATER })]);

    expect(reread.result).toEqual({ loadId: reread.batch.loadId, ...counts(1, 0) });
    expect((await state.peopleById()).get('p1')).toMatchObject({ score: 5, _ih_load_id: reread.batch.loadId });
  });

  test('cursor values compare as instants, whatever offset they were written with', async () => {
    await load([person('p1', { score: 1, modified_at: '2026-01-05T10:00:00.000Z' })]);
    // 09:30:00+00:00 in the text's own terms: earlier, though it reads later.
    const older = await load([person('p1', { score: 2, modified_at: '2026-01-05T10:30:00.000+01:00' })]);
    // 10:30:00+00:00: later, though it reads earlier.
    const newer = await load([person('p1', { score: 3, modified_at: '2026-01-05T09:30:00.000-01:00' })]);

    expect(older.result.merged).toBe(0);
    expect(newer.result.merged).toBe(1);
    expect((await state.peopleById()).get('p1')).toMatchObject({ score: 3 });
  });

  test('a stored row without a cursor value gives way to any version', async () => {
    await load([person('p1', { score: 1, modified_at: null })]);
    const dated = await load([person('p1', { score: 2, modified_at: EARLIER })]);

    expect(dated.result.merged).toBe(1);
    expect((await state.peopleById()).get('p1')).toMatchObject({ score: 2 });
  });

  test('a deletion older than the stored row leaves it; a current or newer one removes it', async () => {
    await load([person('p1', { modified_at: LATER }), person('p2', { modified_at: LATER }), person('p3', { modified_at: LATER })]);
    const deletions = await load([
      person('p1', { is_deleted: true, modified_at: EARLIER }),
      person('p2', { is_deleted: true, modified_at: LATER }),
      person('p3', { is_deleted: true, modified_at: LATEST }),
    ]);

    expect(deletions.result).toEqual({ loadId: deletions.batch.loadId, ...counts(0, 2) });
    expect(await state.ids()).toEqual(['p1']);
    const later = await load([person('p1', { is_deleted: true, modified_at: LATEST })]);
    expect(later.result).toEqual({ loadId: later.batch.loadId, ...counts(0, 1) });
    expect(await state.ids()).toEqual([]);
  });

  test('in one batch, stale and current versions of different keys are each judged on their own', async () => {
    await load([person('p1', { score: 1, modified_at: LATER }), person('p2', { score: 1, modified_at: EARLIER })]);
    const mixed = await load([
      person('p1', { score: 2, modified_at: EARLIER }),
      person('p2', { score: 2, modified_at: LATER }),
      person('p3', { score: 2, modified_at: EARLIER }),
    ]);

    expect(mixed.result).toEqual({ loadId: mixed.batch.loadId, ...counts(2, 0) });
    const rows = await state.peopleById();
    expect([...rows.entries()].map(([id, row]) => [id, row.score])).toEqual([
      ['p1', 1],
      ['p2', 2],
      ['p3', 2],
    ]);
  });

  test('a date cursor keeps the later day: an earlier day never overwrites it, the same day does', async () => {
    const visits = async (): Promise<unknown[]> =>
      (await state.warehouse.query(`select id, day, visits from ${state.in(dailyVisits.table)} order by id`)).map((row) => [
        row.id,
        row.day,
        Number(row.visits),
      ]);
    await load([{ id: 'home', day: '2026-01-06', visits: 10 }], dailyVisits);

    const earlier = await load([{ id: 'home', day: '2026-01-05', visits: 3 }], dailyVisits);
    expect(earlier.result).toEqual({ loadId: earlier.batch.loadId, ...counts(0, 0) });
    expect(await visits()).toEqual([['home', '2026-01-06', 10]]);

    const reread = await load([{ id: 'home', day: '2026-01-06', visits: 12 }], dailyVisits);
    expect(reread.result).toEqual({ loadId: reread.batch.loadId, ...counts(1, 0) });
    expect(await visits()).toEqual([['home', '2026-01-06', 12]]);
  });
}
