/**
 * Conformance: a loadId the ledger holds already is merged again, never appended again. A retry
 * changes nothing and reports what the ledger recorded; a re-read that hashes the same (the same
 * loadId) restores what was changed behind the loader's back. And a deletion is remembered: a
 * version older than it never brings the row back, a newer one (an undelete) does.
 */
import type { DestinationConfig } from '../../domain/connector';
import { expiredRows } from '../../activities/privacy/warehouse-tables';
import { DELETIONS_TABLE, LEDGER_TABLE, QUARANTINE_TABLE } from '../../activities/warehouses/sql';
import { DELETIONS_TABLE_STREAM } from '../../activities/warehouses/tombstones';
import type { Row } from '../../activities/sources/types';
import type { ConformanceState } from './conformance-state';
import type { QuarantinedRow } from './fixtures';
import { CONNECTOR_ID, people, person } from './fixtures';

const EARLIER = '2026-01-05T10:00:00.000Z';
const LATER = '2026-01-06T10:00:00.000Z';
const LATEST = '2026-01-07T10:00:00.000Z';

export function describeReplayCases<C extends DestinationConfig>(state: ConformanceState<C>): void {
  const load = async (rows: readonly Row[], quarantine: readonly QuarantinedRow[] | null = null) => {
    const batch = await state.batches().batch(rows, quarantine);
    return { batch, result: await state.load(batch) };
  };
  const counts = (merged: number, deleted: number) => ({ alreadyLoaded: false, merged, deleted, quarantined: 0 });
  const scores = async (): Promise<unknown[][]> => [...(await state.peopleById()).entries()].map(([id, row]) => [id, Number(row.score)]);
  const tombstones = (id: string): Promise<number> => state.count(state.in(DELETIONS_TABLE), `record_key = '${id}'`);

  test('ensureTable creates the empty tombstone table', async () => {
    await state.warehouse.ensureTable(people);
    expect(await state.count(state.in(DELETIONS_TABLE))).toBe(0);
  });

  test('a replay changes nothing, reports the recorded figures, and appends no quarantine or ledger row again', async () => {
    await load([person('p3')]);
    const first = await load(
      [person('p1'), person('p2'), person('p3', { is_deleted: true, modified_at: LATER })],
      [{ record: person('q1'), reasons: ['rule'] }],
    );
    expect(first.result).toEqual({ loadId: first.batch.loadId, alreadyLoaded: false, merged: 2, deleted: 1, quarantined: 1 });
    const table = `select * from ${state.table()} order by id`;
    const [rows, quarantine, deletions] = await Promise.all([
      state.warehouse.query(table),
      state.warehouse.query(`select * from ${state.in(QUARANTINE_TABLE)}`),
      state.warehouse.query(`select * from ${state.in(DELETIONS_TABLE)}`),
    ]);

    expect(await state.load(first.batch)).toEqual({ ...first.result, alreadyLoaded: true });
    expect(await state.warehouse.query(table)).toEqual(rows);
    expect(await state.warehouse.query(`select * from ${state.in(QUARANTINE_TABLE)}`)).toEqual(quarantine);
    expect(await state.warehouse.query(`select * from ${state.in(DELETIONS_TABLE)}`)).toEqual(deletions);
    expect(await state.count(state.in(LEDGER_TABLE), `load_id = '${first.batch.loadId}'`)).toBe(1);
  });

  test('a replay after newer versions leaves them, and still reports its own recorded figures', async () => {
    const first = await load([person('p1', { score: 1, modified_at: EARLIER }), person('p2', { score: 1, modified_at: EARLIER })]);
    await load([person('p1', { score: 2, modified_at: LATER }), person('p2', { is_deleted: true, modified_at: LATER })]);

    expect(await state.load(first.batch)).toEqual({ ...first.result, alreadyLoaded: true });
    expect(await scores()).toEqual([['p1', 2]]);
  });

  test('a re-read under the same loadId restores what was changed behind the loader’s back', async () => {
    const first = await load([person('p1', { score: 2, modified_at: LATER }), person('p2', { score: 2, modified_at: LATER })]);
    // Behind the loader's back: p1 removed and an older version of it written in its place, p2 removed.
    await state.warehouse.deleteWhere(people, { column: 'id', op: 'in', values: ['p1', 'p2'] });
    await load([person('p1', { score: 1, modified_at: EARLIER })]);
    expect(await scores()).toEqual([['p1', 1]]);

    expect(await state.load(first.batch)).toEqual({ ...first.result, alreadyLoaded: true });
    expect(await scores()).toEqual([
      ['p1', 2],
      ['p2', 2],
    ]);
    const rows = await state.peopleById();
    expect(rows.get('p1')).toMatchObject({ _ih_load_id: first.batch.loadId });
    expect(await state.count(state.in(LEDGER_TABLE), `load_id = '${first.batch.loadId}'`)).toBe(1);
  });

  test('a version older than the deletion of its key does not bring the row back', async () => {
    await load([person('p1', { score: 1, modified_at: EARLIER })]);
    await load([person('p1', { is_deleted: true, modified_at: LATER }), person('p9', { is_deleted: true, modified_at: LATER })]);
    expect(await state.ids()).toEqual([]);

    // A stale re-read, or a quarantined version released later: older than the deletions.
    const stale = await load([person('p1', { score: 3, modified_at: EARLIER }), person('p9', { modified_at: EARLIER }), person('p2')]);
    expect(stale.result).toEqual({ loadId: stale.batch.loadId, ...counts(1, 0) });
    expect(await state.ids()).toEqual(['p2']);
  });

  test('a version newer than the deletion brings the row back, and the tombstone then no longer matters', async () => {
    await load([person('p1', { score: 1, modified_at: EARLIER })]);
    await load([person('p1', { is_deleted: true, modified_at: LATER })]);

    const undeleted = await load([person('p1', { score: 2, modified_at: LATEST })]);
    expect(undeleted.result).toEqual({ loadId: undeleted.batch.loadId, ...counts(1, 0) });
    expect(await scores()).toEqual([['p1', 2]]);
    // Between the deletion and the undelete: older than the stored row, so it changes nothing.
    const between = await load([person('p1', { score: 9, modified_at: '2026-01-06T12:00:00.000Z' })]);
    expect(between.result.merged).toBe(0);
    expect(await scores()).toEqual([['p1', 2]]);
  });

  test('a deletion older than the recorded one adds no tombstone: the newest deletion decides', async () => {
    await load([person('p1', { is_deleted: true, modified_at: LATEST })]);
    await load([person('p1', { is_deleted: true, modified_at: EARLIER })]);
    expect(await tombstones('p1')).toBe(1);

    const between = await load([person('p1', { modified_at: LATER })]);
    expect(between.result.merged).toBe(0);
    expect(await state.ids()).toEqual([]);
  });

  test('a retention sweep reaches the tombstones, of its own connector only, by when they were recorded', async () => {
    await load([person('p1', { is_deleted: true, modified_at: LATER })]);
    expect(await tombstones('p1')).toBe(1);
    const sweep = (cutoff: string, connectorId: string) =>
      state.warehouse.deleteWhere(DELETIONS_TABLE_STREAM, expiredRows(DELETIONS_TABLE_STREAM, cutoff, connectorId));

    expect(await sweep(EARLIER, CONNECTOR_ID)).toBe(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await sweep(future, 'another-connector')).toBe(0);
    expect(await sweep(future, CONNECTOR_ID)).toBe(1);
    expect(await tombstones('p1')).toBe(0);
  });
}
