/**
 * Uniqueness beyond one batch, through validateBatch: values the warehouse holds under another key,
 * values a dry run's earlier batches hold, and erased subjects screened out before anything is judged.
 * The warehouse is a stand-in typed as the real lookup; the conformance suite covers the real ones.
 */
import type { HeldValueLookup } from '../../activities/quality/beyond-batch';
import { uniqueBeyondBatch } from '../../activities/quality/beyond-batch';
import { ruleLabel } from '../../activities/quality/suite';
import { defaultSuiteFor } from '../../activities/quality/suites';
import { validateBatch, type ValidateBatchOutput } from '../../activities/quality/validate';
import type { Row } from '../../activities/sources/types';
import type { HeldValue } from '../../activities/warehouses/types';
import type { BatchRef } from '../../domain/cycle';
import { salesforceStreams } from '../../activities/sources/salesforce/definition';
import { useStaging } from '../support/staging';
import { RUN_TIME, contactRow } from './rows';

const stream = salesforceStreams.contact;
const area = 'connector-1/contact';
const suite = defaultSuiteFor('salesforce', 'contact');
const UNIQUE_CUSTOMER = 'unique(customer_id)';
const staged = useStaging('quality-beyond-', { each: true });

/** The warehouse table as (id, customer_id) pairs; records each lookup. */
function warehouseHolding(rows: readonly Row[]): HeldValueLookup & { lookups: { column: string; values: unknown[] }[] } {
  const lookups: { column: string; values: unknown[] }[] = [];
  return {
    lookups,
    async findHeldValues(_stream, column, values) {
      lookups.push({ column, values: [...values] });
      return rows.flatMap((row): HeldValue[] => {
        const [key, value] = [row['id'], row[column]];
        return typeof key === 'string' && typeof value === 'string' && values.includes(value) ? [{ key, value }] : [];
      });
    },
  };
}

const readAll = async (ref: BatchRef | null | undefined): Promise<Row[]> => {
  const rows: Row[] = [];
  if (ref) for await (const row of staged.staging.readBatch(ref)) rows.push(row);
  return rows;
};
const stage = (rows: Row[]) =>
  staged.staging.writeBatch(area, stream, rows, { value: '2026-03-01T11:59:00.000Z', lastKey: '003000000000000099' });
const customerResult = (report: ValidateBatchOutput['report']) =>
  report.results.find((r) => ruleLabel(r.expectation_config) === UNIQUE_CUSTOMER)?.result;

describe('uniqueness beyond the batch', () => {
  it('checks only unique columns other than the primary key', () => {
    expect(uniqueBeyondBatch(stream, suite).map((column) => column.name)).toEqual(['customer_id']);
    expect(uniqueBeyondBatch(salesforceStreams.opportunity, defaultSuiteFor('salesforce', 'opportunity'))).toEqual([]);
  });

  it('quarantines a row whose unique value the warehouse holds under another key, under the same expectation as GX counts it', async () => {
    const warehouse = warehouseHolding([contactRow(1)]);
    const rows = [contactRow(2, { customer_id: 'CUST-100001' }), contactRow(3)];
    const { summary, report } = await validateBatch(
      { staging: staged.staging, warehouse },
      { area, stream, batch: await stage(rows), suite, runTime: RUN_TIME },
    );

    expect(await readAll(summary.quarantine)).toEqual([{ record: rows[0], reasons: [UNIQUE_CUSTOMER] }]);
    expect(await readAll(summary.clean)).toEqual([rows[1]]);
    expect(summary).toMatchObject({ evaluated: 2, valid: 1, invalid: 1, failuresByRule: { [UNIQUE_CUSTOMER]: 1 }, success: false });
    expect(customerResult(report)).toEqual({
      element_count: 2,
      unexpected_count: 1,
      unexpected_percent: 50,
      partial_unexpected_list: ['CUST-100001'],
      missing_count: 0,
      missing_percent: 0,
      unexpected_percent_total: 50,
      unexpected_percent_nonmissing: 50,
      partial_unexpected_counts: [{ value: 'CUST-100001', count: 1 }],
      partial_unexpected_index_list: [0],
    });
    // Only the batch's own values are looked up, and never the primary key.
    expect(warehouse.lookups).toEqual([{ column: 'customer_id', values: ['CUST-100001', 'CUST-100003'] }]);
  });

  it('lets an update through: the same key holding the value is its earlier version', async () => {
    const warehouse = warehouseHolding([contactRow(1), contactRow(2)]);
    const batch = await stage([contactRow(1, { phone: '+1 415-555-0199' }), contactRow(2)]);
    const { summary } = await validateBatch({ staging: staged.staging, warehouse }, { area, stream, batch, suite, runTime: RUN_TIME });
    expect(summary).toMatchObject({ valid: 2, invalid: 0, quarantine: null });
  });

  it('lets a value go that the batch deletes from its holder, and never looks up a deletion', async () => {
    const warehouse = warehouseHolding([contactRow(1)]);
    const batch = await stage([contactRow(1, { is_deleted: true }), contactRow(2, { customer_id: 'CUST-100001' })]);
    const { summary } = await validateBatch({ staging: staged.staging, warehouse }, { area, stream, batch, suite, runTime: RUN_TIME });
    expect(summary).toMatchObject({ valid: 1, deletes: 1, invalid: 0 });
    expect(warehouse.lookups).toEqual([{ column: 'customer_id', values: ['CUST-100001'] }]);
  });

  it('counts a row once that repeats a value both in the batch and in the warehouse', async () => {
    const warehouse = warehouseHolding([contactRow(1)]);
    const batch = await stage([
      contactRow(2, { customer_id: 'CUST-100001' }),
      contactRow(3, { customer_id: 'CUST-100001' }),
      contactRow(4),
    ]);
    const { summary, report } = await validateBatch(
      { staging: staged.staging, warehouse },
      { area, stream, batch, suite, runTime: RUN_TIME },
    );
    expect(summary.failuresByRule).toEqual({ [UNIQUE_CUSTOMER]: 2 });
    expect(customerResult(report)).toMatchObject({ unexpected_count: 2, partial_unexpected_list: ['CUST-100001', 'CUST-100001'] });
  });

  it('in a dry run, carries what earlier batches hold from batch to batch, updates and deletions included', async () => {
    const warehouse = warehouseHolding([contactRow(9)]);
    const gate = async (rows: Row[], earlier: BatchRef | null) =>
      (
        await validateBatch(
          { staging: staged.staging, warehouse },
          { area, stream, batch: await stage(rows), suite, runTime: RUN_TIME, earlier, keepHeld: true },
        )
      ).summary;

    const first = await gate([contactRow(1), contactRow(2)], null);
    expect(first).toMatchObject({ valid: 2, invalid: 0 });
    expect(await readAll(first.held)).toEqual([
      { id: contactRow(1)['id'], customer_id: 'CUST-100001' },
      { id: contactRow(2)['id'], customer_id: 'CUST-100002' },
    ]);

    // Contact 3 repeats contact 2's customer id, validated before but never loaded; contact 1 is deleted;
    // contact 9 (in the warehouse) moves to a new customer id.
    const second = await gate(
      [contactRow(3, { customer_id: 'CUST-100002' }), contactRow(1, { is_deleted: true }), contactRow(9, { customer_id: 'CUST-NEW' })],
      first.held ?? null,
    );
    expect(second).toMatchObject({ valid: 1, invalid: 1, deletes: 1, failuresByRule: { [UNIQUE_CUSTOMER]: 1 } });

    // Free now: contact 1's id (deleted) and contact 9's old one (the warehouse's version is superseded).
    const third = await gate(
      [
        contactRow(4, { customer_id: 'CUST-100001' }),
        contactRow(5, { customer_id: 'CUST-100009' }),
        contactRow(6, { customer_id: 'CUST-NEW' }),
        contactRow(7, { customer_id: 'CUST-100002' }),
      ],
      second.held ?? null,
    );
    expect((await readAll(third.quarantine)).map((line) => line['record'])).toEqual([
      contactRow(6, { customer_id: 'CUST-NEW' }),
      contactRow(7, { customer_id: 'CUST-100002' }),
    ]);
    expect(third).toMatchObject({ valid: 2, invalid: 2 });
  });

  it('stages nothing to carry when not asked to', async () => {
    const { summary } = await validateBatch(
      { staging: staged.staging },
      { area, stream, batch: await stage([contactRow(1)]), suite, runTime: RUN_TIME },
    );
    expect(summary.held).toBeUndefined();
  });
});

describe('screening erased subjects before the gate', () => {
  const erased = 'ada.lovelace2@example.com';
  const suppression = { matches: (row: Row) => row['email'] === erased };

  it('drops their rows before they are judged: counted, never quoted, in neither batch', async () => {
    // Contact 2 would fail uniqueness with contact 3; erased, it is not judged at all.
    const rows = [
      contactRow(1),
      contactRow(2, { customer_id: 'CUST-SHARED', is_active: false }),
      contactRow(3, { customer_id: 'CUST-SHARED' }),
    ];
    const { summary, report } = await validateBatch(
      { staging: staged.staging, suppression },
      { area, stream, batch: await stage(rows), suite, runTime: RUN_TIME },
    );

    expect(summary).toMatchObject({ suppressed: 1, evaluated: 2, valid: 2, invalid: 0, quarantine: null });
    expect(await readAll(summary.clean)).toEqual([rows[0], rows[2]]);
    expect(JSON.stringify(report)).not.toContain(erased);
    expect(JSON.stringify(report)).not.toContain('CUST-SHARED');
  });
});
