/** Conformance: a worker killed in the middle of a load, then the retry a new worker makes. */
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import type { DestinationConfig } from '../../domain/connector';
import { LEDGER_TABLE, QUARANTINE_TABLE } from '../../activities/warehouses/sql';
import type { ConformanceState } from './conformance-state';
import { people, person } from './fixtures';
import { killLoadPartWay } from './interrupted-load';

export function describeInterruptedLoadCase<C extends DestinationConfig>(state: ConformanceState<C>, stagingRoot: () => string): void {
  test('a load killed part-way leaves nothing, and its retry leaves exactly one copy of every row', async () => {
    const batch = await state.batches().batch([person('p1'), person('p2'), person('p3')], [{ record: person('q1'), reasons: ['rule'] }]);
    await state.warehouse.ensureTable(people);
    const scratchDir = await mkdtemp(path.join(stagingRoot(), 'kill-'));
    const { config, dataDir } = state.destination;

    await state.reconnect(async () => {
      await killLoadPartWay({ config, dataDir, batch, scratchDir });
      await state.target.afterLoadKilled?.();
    });
    expect(await state.count(state.table())).toBe(0);
    expect(await state.count(state.in(QUARANTINE_TABLE))).toBe(0);
    expect(await state.count(state.in(LEDGER_TABLE))).toBe(0);

    expect(await state.load(batch)).toMatchObject({ alreadyLoaded: false, merged: 3, quarantined: 1 });
    expect(await state.load(batch)).toMatchObject({ alreadyLoaded: true });
    expect(await state.ids()).toEqual(['p1', 'p2', 'p3']);
    expect(await state.count(state.in(QUARANTINE_TABLE))).toBe(1);
    expect(await state.count(state.in(LEDGER_TABLE))).toBe(1);
  });
}
