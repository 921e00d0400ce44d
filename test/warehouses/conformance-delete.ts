/** Conformance: deleteWhere for retention and erasure, and the cost estimate of a load. */
import type { DestinationConfig } from '../../domain/connector';
import type { ConformanceState } from './conformance-state';
import { CONNECTOR_ID, people, person } from './fixtures';

const HOUR_MS = 3_600_000;

export function describeDeleteAndCostCases<C extends DestinationConfig>(state: ConformanceState<C>): void {
  const loadFourPeople = async (): Promise<void> => {
    const rows = [
      person('p1', { modified_at: '2026-01-01T00:00:00.000Z' }),
      person('p2', { modified_at: '2026-01-05T00:00:00.000Z' }),
      // A quote inside a value must reach the warehouse as data, never as SQL.
      person('p3', { modified_at: '2026-01-09T00:00:00.000Z', email: "o'brien@example.com" }),
      person('p4', { modified_at: '2026-01-10T00:00:00.000Z' }),
    ];
    await state.load(await state.batches().batch(rows));
  };

  test('retention deletes the rows older than a cutoff, and only those', async () => {
    await loadFourPeople();

    const cutoff = '2026-01-05T00:00:00Z';
    expect(await state.warehouse.deleteWhere(people, { column: 'modified_at', op: 'lt', value: cutoff })).toBe(1);
    expect(await state.ids()).toEqual(['p2', 'p3', 'p4']);
    // The same instant written with an offset: lte includes it.
    const sameInstant = '2026-01-05T01:00:00+01:00';
    expect(await state.warehouse.deleteWhere(people, { column: 'modified_at', op: 'lte', value: sameInstant })).toBe(1);
    expect(await state.ids()).toEqual(['p3', 'p4']);
    const inAnHour = new Date(Date.now() + HOUR_MS).toISOString();
    expect(await state.warehouse.deleteWhere(people, { column: '_ih_loaded_at', op: 'lt', value: inAnHour })).toBe(2);
    expect(await state.count(state.table())).toBe(0);
  });

  test('erasure deletes the rows of one person by email or by id, and a second erasure finds nothing', async () => {
    await loadFourPeople();

    // An erasure request rarely types an address in the stored letter case.
    const anyCase = { column: 'email', op: 'in-any-case', values: ["O'Brien@Example.COM"] } as const;
    expect(await state.warehouse.deleteWhere(people, anyCase)).toBe(1);
    const byEmail = { column: 'email', op: 'eq', value: "o'brien@example.com" } as const;
    expect(await state.warehouse.deleteWhere(people, byEmail)).toBe(0);
    expect(await state.warehouse.deleteWhere(people, { column: 'id', op: 'in', values: ['p1', 'p4', 'p9'] })).toBe(2);
    expect(await state.ids()).toEqual(['p2']);
  });

  test('erasure by email finds an address stored with spaces around it', async () => {
    await state.load(await state.batches().batch([person('p5', { email: '  Padded@Example.com ' }), person('p6', {})]));

    const padded = { column: 'email', op: 'in-any-case', values: ['padded@example.com'] } as const;
    expect(await state.warehouse.deleteWhere(people, padded)).toBe(1);
    expect(await state.ids()).toEqual(['p6']);
  });

  test("retention scoped to one connector leaves another connector's rows in a shared table", async () => {
    await loadFourPeople();

    const cutoff = '2026-01-06T00:00:00Z';
    const another = {
      column: 'modified_at',
      op: 'lt',
      value: cutoff,
      and: { column: '_ih_connector_id', value: 'another-connector' },
    } as const;
    expect(await state.warehouse.deleteWhere(people, another)).toBe(0);
    expect(await state.ids()).toEqual(['p1', 'p2', 'p3', 'p4']);
    const own = { column: 'id', op: 'in', values: ['p1', 'p2', 'p3'], and: { column: '_ih_connector_id', value: CONNECTOR_ID } } as const;
    expect(await state.warehouse.deleteWhere(people, own)).toBe(3);
    expect(await state.ids()).toEqual(['p4']);
    await expect(state.warehouse.deleteWhere(people, { ...another, and: { column: 'nope', value: 'x' } })).rejects.toMatchObject({
      category: 'config',
      message: expect.stringContaining('nope'),
    });
  });

  test('a predicate on no column of the stream, or with a wrongly typed value, fails and deletes nothing', async () => {
    await loadFourPeople();

    const attempts = [
      { column: 'id; drop table person', op: 'eq', value: 'p1' },
      { column: 'modified_at', op: 'lt', value: 'last tuesday' },
      { column: 'score', op: 'eq', value: '10 or 1=1' },
      { column: 'attributes', op: 'eq', value: '{}' },
    ] as const;
    await expect(state.warehouse.deleteWhere(people, { column: 'score', op: 'in-any-case', values: ['10'] })).rejects.toMatchObject({
      category: 'config',
    });
    for (const predicate of attempts) {
      await expect(state.warehouse.deleteWhere(people, predicate)).rejects.toMatchObject({
        category: 'config',
        message: expect.stringContaining(predicate.column),
      });
    }
    expect(await state.count(state.table())).toBe(4);
  });

  test('deleting from a stream whose table was never made deletes nothing', async () => {
    expect(await state.warehouse.deleteWhere(people, { column: 'id', op: 'eq', value: 'p1' })).toBe(0);
  });

  test('the cost of a load is a list-price amount in USD that grows with the batch and says how it was reached', () => {
    const small = state.warehouse.estimateLoadCost({ rows: 1_000, bytes: 1_000_000 });
    const large = state.warehouse.estimateLoadCost({ rows: 50_000_000, bytes: 50_000_000_000 });

    for (const estimate of [small, large]) {
      expect(Number.isFinite(estimate.amountUsd)).toBe(true);
      expect(estimate.basis.length).toBeGreaterThan(0);
    }
    expect(large.amountUsd).toBeGreaterThanOrEqual(small.amountUsd);
    const { pricing } = state.target.plugin;
    if (pricing.model === 'self-hosted') {
      expect(large.amountUsd).toBe(0);
    } else {
      expect(large.amountUsd).toBeGreaterThan(small.amountUsd);
      expect(large.basis).toContain(pricing.source);
    }
  });
}
