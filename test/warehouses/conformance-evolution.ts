/**
 * Conformance: ensureTable evolves a table from its stream, applying only what is safe; describeSchemaChanges
 * says beforehand what it would do, changing nothing.
 */
import type { DestinationConfig } from '../../domain/connector';
import type { SchemaChange } from '../../activities/warehouses/types';
import type { ConformanceState } from './conformance-state';
import { people, peopleReshaped, peopleWidened, peopleWithNickname, person } from './fixtures';

const byColumn = (changes: readonly SchemaChange[]): SchemaChange[] => [...changes].sort((a, b) => a.column.localeCompare(b.column));

export function describeSchemaEvolutionCases<C extends DestinationConfig>(state: ConformanceState<C>): void {
  test('a column new in the stream is added, reported once, and older rows read null there', async () => {
    await state.load(await state.batches().batch([person('p1')]));

    expect(await state.warehouse.ensureTable(peopleWithNickname)).toEqual([
      { column: 'nickname', change: 'added', to: 'string', applied: true },
    ]);
    expect(await state.warehouse.ensureTable(peopleWithNickname)).toEqual([]);
    await state.load(await state.batches().batch([person('p2', { nickname: 'Pat' })], null, peopleWithNickname));
    const rows = await state.peopleById();
    expect(rows.get('p1')).toMatchObject({ nickname: null });
    expect(rows.get('p2')).toMatchObject({ nickname: 'Pat' });
  });

  test('a safe widening is applied in place and keeps every value', async () => {
    await state.load(await state.batches().batch([person('p1', { score: 7 })]));

    expect(byColumn(await state.warehouse.ensureTable(peopleWidened))).toEqual([
      { column: 'birthday', change: 'widened', from: 'date', to: 'timestamp', applied: true },
      { column: 'score', change: 'widened', from: 'integer', to: 'number', applied: true },
    ]);
    expect(await state.warehouse.ensureTable(peopleWidened)).toEqual([]);
    const widened = { score: 2.5, birthday: '2000-02-29T08:15:00.000Z' };
    await state.load(await state.batches().batch([person('p2', widened)], null, peopleWidened));

    const rows = await state.warehouse.query(`select id, score, birthday from ${state.table()} order by id`);
    const instants = rows.map((row) => ({ ...row, birthday: new Date(String(row.birthday)).toISOString() }));
    expect(instants).toEqual([
      // A date widens to midnight UTC of that day.
      { id: 'p1', score: 7, birthday: '1990-05-17T00:00:00.000Z' },
      { id: 'p2', ...widened },
    ]);
  });

  test('a dropped or otherwise retyped column is reported, not applied, for as long as it differs', async () => {
    await state.load(await state.batches().batch([person('p1', { is_active: false })]));

    const changes = byColumn(await state.warehouse.ensureTable(peopleReshaped));
    expect(changes).toEqual([
      { column: 'is_active', change: 'retyped', from: 'boolean', to: 'string', applied: false },
      { column: 'rating', change: 'dropped', from: 'number', applied: false },
    ]);
    const [p1] = await state.warehouse.query(`select rating, is_active from ${state.table()} where id = 'p1'`);
    expect(p1).toEqual({ rating: 4.5, is_active: false });
    expect(byColumn(await state.warehouse.ensureTable(peopleReshaped))).toEqual(changes);
  });

  test('describeSchemaChanges reports a missing table as nothing to change, and creates nothing', async () => {
    expect(await state.warehouse.describeSchemaChanges(people)).toEqual([]);
    await expect(state.count(state.table())).rejects.toThrow();
  });

  test('describeSchemaChanges reports what ensureTable would add or leave alone, without changing the table', async () => {
    await state.load(await state.batches().batch([person('p1', { is_active: false }), person('p2')]));
    const before = await state.peopleById();

    expect(await state.warehouse.describeSchemaChanges(peopleWithNickname)).toEqual([
      { column: 'nickname', change: 'added', to: 'string', applied: true },
    ]);
    const reshaped = byColumn(await state.warehouse.describeSchemaChanges(peopleReshaped));
    expect(reshaped).toEqual([
      { column: 'is_active', change: 'retyped', from: 'boolean', to: 'string', applied: false },
      { column: 'rating', change: 'dropped', from: 'number', applied: false },
    ]);
    expect(await state.warehouse.describeSchemaChanges(people)).toEqual([]);

    // Same columns, same rows: nothing was added, retyped or dropped.
    expect(await state.peopleById()).toEqual(before);
    expect(byColumn(await state.warehouse.ensureTable(peopleReshaped))).toEqual(reshaped);
  });
}
