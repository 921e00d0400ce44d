/** Conformance: findHeldValues, the lookup behind uniqueness checked beyond one batch. */
import type { DestinationConfig } from '../../domain/connector';
import { HELD_VALUES_PER_STATEMENT } from '../../activities/warehouses/held-values';
import type { HeldValue } from '../../activities/warehouses/types';
import type { ConformanceState } from './conformance-state';
import { people, peopleWithNickname, person } from './fixtures';

const sorted = (held: HeldValue[]): HeldValue[] =>
  [...held].sort((a, b) => String(a.key).localeCompare(String(b.key)) || String(a.value).localeCompare(String(b.value)));

export function describeHeldValuesCases<C extends DestinationConfig>(state: ConformanceState<C>): void {
  test('findHeldValues names the key holding each value it finds, and finds nothing for values no row holds', async () => {
    await state.load(
      await state.batches().batch([
        person('p1'),
        person('p2'),
        // A quote inside a value must reach the warehouse as data, never as SQL.
        person('p3', { email: "o'brien@example.com" }),
        // Two keys holding one value: both are named.
        person('p4', { customer_id: '001' }),
      ]),
    );

    const byCustomer = await state.warehouse.findHeldValues(people, 'customer_id', ['001', '002', '009', "001' or '1'='1"]);
    expect(sorted(byCustomer)).toEqual([
      { key: 'p1', value: '001' },
      { key: 'p2', value: '002' },
      { key: 'p4', value: '001' },
    ]);
    expect(await state.warehouse.findHeldValues(people, 'email', ["o'brien@example.com", "O'Brien@example.com"])).toEqual([
      { key: 'p3', value: "o'brien@example.com" },
    ]);
    expect(await state.warehouse.findHeldValues(people, 'customer_id', [])).toEqual([]);
  });

  test('values of typed columns are compared as their type and come back in predicate form', async () => {
    await state.load(await state.batches().batch([person('p1', { score: 7 }), person('p2')]));

    expect(await state.warehouse.findHeldValues(people, 'score', [7, 8])).toEqual([{ key: 'p1', value: 7 }]);
    // The same instant written with an offset finds it; it comes back as ISO-8601 UTC.
    const held = await state.warehouse.findHeldValues(people, 'modified_at', ['2026-01-05T11:00:00+01:00']);
    expect(sorted(held)).toEqual([
      { key: 'p1', value: '2026-01-05T10:00:00.000Z' },
      { key: 'p2', value: '2026-01-05T10:00:00.000Z' },
    ]);
    expect(sorted(await state.warehouse.findHeldValues(people, 'birthday', ['1990-05-17'])).map((h) => h.value)).toEqual([
      '1990-05-17',
      '1990-05-17',
    ]);
  });

  test('a lookup of thousands of values is answered in full, in statements of a bounded size', async () => {
    const values = Array.from({ length: 2_500 }, (_, i) => `C-${String(i).padStart(5, '0')}`);
    const holders = [0, HELD_VALUES_PER_STATEMENT - 1, HELD_VALUES_PER_STATEMENT, 1_337, 2_499];
    await state.load(await state.batches().batch(holders.map((i) => person(`p${i}`, { customer_id: values[i] }))));

    const held = await state.warehouse.findHeldValues(people, 'customer_id', values);
    expect(sorted(held)).toEqual(sorted(holders.map((i) => ({ key: `p${i}`, value: values[i] ?? '' }))));
  });

  test('a table never made, or a column it has not gained yet, holds no value', async () => {
    expect(await state.warehouse.findHeldValues(people, 'customer_id', ['001'])).toEqual([]);
    await state.load(await state.batches().batch([person('p1')]));
    expect(await state.warehouse.findHeldValues(peopleWithNickname, 'nickname', ['Pat'])).toEqual([]);
  });

  test('a lookup on no column of the stream, or with a wrongly typed value, fails as a config error naming the column', async () => {
    await state.load(await state.batches().batch([person('p1')]));
    const attempts: [string, (string | number)[]][] = [
      ['customer_id; drop table person', ['001']],
      ['score', ['10 or 1=1']],
      ['attributes', ['{}']],
    ];
    for (const [column, values] of attempts) {
      await expect(state.warehouse.findHeldValues(people, column, values)).rejects.toMatchObject({
        category: 'config',
        message: expect.stringContaining(column),
      });
    }
    expect(await state.count(state.table())).toBe(1);
  });
}
