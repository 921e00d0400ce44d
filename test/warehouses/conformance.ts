/**
 * The warehouse conformance suite: what every warehouse plug-in must do, written once and run for
 * each plug-in (see duckdb.test.ts). Queries use only unquoted lower-case names and no parameters,
 * so the same SQL reads every warehouse. Cases branch on the plug-in's capabilities and pricing
 * (data), never on its kind.
 */
import { writeFile } from 'node:fs/promises';
import type { DestinationConfig } from '../../domain/connector';
import { ConnectorError } from '../../activities/errors';
import { LEDGER_TABLE, QUARANTINE_TABLE } from '../../activities/warehouses/sql';
import { describeDeleteAndCostCases } from './conformance-delete';
import { describeHeldValuesCases } from './conformance-held-values';
import { describeSchemaEvolutionCases } from './conformance-evolution';
import { describeInterruptedLoadCase } from './conformance-interrupted';
import { describeReplayCases } from './conformance-replays';
import { ConformanceState, type WarehouseUnderTest } from './conformance-state';
import { describeVersionCases } from './conformance-versions';
import { CONNECTOR_ID, people, person, useBatchFactory } from './fixtures';

export type { WarehouseUnderTest } from './conformance-state';

export function describeWarehouseConformance<C extends DestinationConfig>(target: WarehouseUnderTest<C>): void {
  describe(`warehouse conformance: ${target.plugin.kind}`, () => {
    const batches = useBatchFactory('ih-warehouse-staging-');
    const state = new ConformanceState(target, batches);

    beforeEach(() => state.open());
    afterEach(() => state.close());

    test('ensureTable creates the empty stream table, the ledger and the quarantine, and can run again', async () => {
      // Creating a table is no change to report; running again finds nothing to change.
      expect(await state.warehouse.ensureTable(people)).toEqual([]);
      expect(await state.warehouse.ensureTable(people)).toEqual([]);
      expect(await state.count(state.table())).toBe(0);
      expect(await state.count(`${state.in(LEDGER_TABLE)}`)).toBe(0);
      expect(await state.count(`${state.in(QUARANTINE_TABLE)}`)).toBe(0);
    });

    test('merge inserts new keys, updates known ones, never duplicates a key, and stamps the metadata', async () => {
      const first = await state.batches().batch([person('p1'), person('p2'), person('p3')]);
      const second = await state
        .batches()
        .batch([person('p2', { email: 'p2.new@example.com', score: 99, modified_at: '2026-01-06T10:00:00.000Z' }), person('p4')]);
      const before = Date.now();

      const loaded = { alreadyLoaded: false, deleted: 0, quarantined: 0 };
      expect(await state.load(first)).toEqual({ ...loaded, loadId: first.loadId, merged: 3 });
      expect(await state.load(second)).toEqual({ ...loaded, loadId: second.loadId, merged: 2 });

      const rows = await state.peopleById();
      expect([...rows.keys()]).toEqual(['p1', 'p2', 'p3', 'p4']);
      expect(await state.count(`(select id from ${state.table()} group by id having count(*) > 1) as dup`)).toBe(0);
      expect(rows.get('p2')).toMatchObject({ email: 'p2.new@example.com', score: 99, _ih_load_id: second.loadId });
      expect(rows.get('p1')).toMatchObject({ email: 'p1@example.com', _ih_load_id: first.loadId });
      const p4 = rows.get('p4');
      expect(p4).toMatchObject({ _ih_source: 'salesforce', _ih_connector_id: CONNECTOR_ID });
      expect(Date.parse(String(p4?._ih_loaded_at))).toBeGreaterThanOrEqual(before - 1000);
    });

    test('a key seen twice in one batch keeps its latest version', async () => {
      const batch = await state
        .batches()
        .batch([
          person('p1', { score: 2, modified_at: '2026-01-07T00:00:00.000Z' }),
          person('p1', { score: 1, modified_at: '2026-01-06T00:00:00.000Z' }),
        ]);
      expect((await state.load(batch)).merged).toBe(1);
      expect((await state.peopleById()).get('p1')).toMatchObject({ score: 2 });
    });

    test('values keep their types: ISO timestamps, dates, numbers, booleans, JSON, digit strings', async () => {
      await state.load(
        await state
          .batches()
          .batch([person('p1', { modified_at: '2026-01-05T12:30:45.123+02:00', rating: 0.25, score: -7, is_active: false })]),
      );
      const p1 = (await state.peopleById()).get('p1');
      expect(p1).toMatchObject({
        customer_id: '001',
        score: -7,
        rating: 0.25,
        is_active: false,
        birthday: '1990-05-17',
        attributes: { tier: 'gold', tags: ['a', 'b'] },
      });
      expect(new Date(String(p1?.modified_at)).toISOString()).toBe('2026-01-05T10:30:45.123Z');
    });

    test('deletion rows remove their keys and are never inserted', async () => {
      await state.load(await state.batches().batch([person('p1'), person('p2')]));
      const deletions = await state.batches().batch([person('p2', { is_deleted: true }), person('p9', { is_deleted: true }), person('p3')]);

      expect(await state.load(deletions)).toMatchObject({ merged: 1, deleted: 1, quarantined: 0 });
      expect([...(await state.peopleById()).keys()]).toEqual(['p1', 'p3']);
    });

    test('quarantined rows are stored with their reasons and stay out of the stream table', async () => {
      const reasons = ['expect_column_values_to_not_be_null(email)', 'expect_column_values_to_be_unique(customer_id)'];
      const batch = await state.batches().batch([person('p1')], [{ record: person('q1', { email: null }), reasons }]);

      expect(await state.load(batch)).toMatchObject({ merged: 1, quarantined: 1 });
      const stored = await state.warehouse.query(`select * from ${state.in(QUARANTINE_TABLE)}`);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({
        load_id: batch.loadId,
        connector_id: CONNECTOR_ID,
        stream: people.name,
        record_key: 'q1',
        reasons,
        record: { id: 'q1', email: null },
      });
      expect([...(await state.peopleById()).keys()]).toEqual(['p1']);
    });

    test('the same batch loaded twice changes nothing the second time', async () => {
      const batch = await state.batches().batch([person('p1'), person('p2')], [{ record: person('q1'), reasons: ['rule'] }]);
      const first = await state.load(batch);
      const snapshot = await state.warehouse.query(`select * from ${state.table()} order by id`);

      expect(await state.load(batch)).toEqual({ ...first, alreadyLoaded: true });
      expect(await state.warehouse.query(`select * from ${state.table()} order by id`)).toEqual(snapshot);
      expect(await state.count(`${state.in(QUARANTINE_TABLE)}`)).toBe(1);
      expect(await state.count(`${state.in(LEDGER_TABLE)}`, `load_id = '${batch.loadId}'`)).toBe(1);
    });

    test('a load that fails part-way leaves nothing, and its retry loads exactly once', async () => {
      const batch = await state.batches().batch([person('p1'), person('p2')], [{ record: person('q1'), reasons: ['rule'] }]);
      const quarantineFile = batch.quarantineFile ?? '';
      // The clean rows merge first; the damaged quarantine file then fails the load midway.
      await writeFile(quarantineFile, '{"record": {"id": "q1"}, "reas');
      await expect(state.load(batch)).rejects.toThrow();

      expect(await state.count(state.table())).toBe(0);
      expect(await state.count(`${state.in(QUARANTINE_TABLE)}`)).toBe(0);
      expect(await state.count(`${state.in(LEDGER_TABLE)}`)).toBe(0);

      const restored = await state.batches().batch([person('p1'), person('p2')], [{ record: person('q1'), reasons: ['rule'] }]);
      expect(restored.quarantineFile).toBe(quarantineFile);
      expect(await state.load(restored)).toMatchObject({ alreadyLoaded: false, merged: 2, quarantined: 1 });
      expect(await state.load(restored)).toMatchObject({ alreadyLoaded: true });
      expect(await state.count(state.table())).toBe(2);
      expect(await state.count(`${state.in(QUARANTINE_TABLE)}`)).toBe(1);
    });

    test('rows that do not fit their column types fail as a data error that does not repeat the value', async () => {
      const batch = await state.batches().batch([person('p1'), person('p2', { score: 'p2@example.com' })]);
      const failure = state.load(batch);

      await expect(failure).rejects.toBeInstanceOf(ConnectorError);
      await expect(failure).rejects.toMatchObject({ category: 'data' });
      await expect(failure).rejects.not.toThrow('p2@example.com');
      expect(await state.count(state.table())).toBe(0);
    });

    test('a row without a primary key fails the load naming the key', async () => {
      const batch = await state.batches().batch([person('p1'), person('p2', { id: null })]);
      await expect(state.load(batch)).rejects.toMatchObject({ category: 'data', message: expect.stringContaining('id') });
      expect(await state.count(state.table())).toBe(0);
    });

    test('nulls and missing fields stay null, never empty strings', async () => {
      const { email: _email, ...withoutEmail } = person('p2');
      const nulls = { customer_id: null, score: null, rating: null, is_active: null, birthday: null, attributes: null };
      await state.load(await state.batches().batch([person('p1', nulls), withoutEmail]));

      const rows = await state.peopleById();
      expect(rows.get('p1')).toMatchObject(nulls);
      expect(rows.get('p2')).toMatchObject({ email: null });
      expect(await state.count(state.table(), `email = ''`)).toBe(0);
    });

    test('a column null throughout a batch keeps its declared type for later batches', async () => {
      const allNull = { score: null, rating: null, birthday: null, modified_at: null, attributes: null };
      await state.load(await state.batches().batch([person('p1', allNull), person('p2', allNull)]));
      await state.load(await state.batches().batch([person('p3')]));

      const [typed] = await state.warehouse.query(
        `select score + 1 as next_score, rating * 2 as double_rating, birthday, modified_at
         from ${state.table()} where id = 'p3'`,
      );
      expect(typed).toEqual({
        next_score: 11,
        double_rating: 9,
        birthday: '1990-05-17',
        modified_at: '2026-01-05T10:00:00.000Z',
      });
    });

    describeSchemaEvolutionCases(state);
    describeDeleteAndCostCases(state);
    describeHeldValuesCases(state);
    describeVersionCases(state);
    describeReplayCases(state);
    describeInterruptedLoadCase(state, () => batches().root);
  });
}
