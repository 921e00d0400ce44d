import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ConnectorError } from '../../activities/errors';
import { parseSuite, ruleLabel } from '../../activities/quality/suite';
import { defaultSuiteFor } from '../../activities/quality/suites';
import { validateBatch } from '../../activities/quality/validate';
import { mapSalesforceRecord } from '../../activities/sources/salesforce';
import { UNCONVERTIBLE, type Row } from '../../activities/sources/types';
import { localPath } from '../../activities/staging/staging';
import type { BatchRef } from '../../domain/cycle';
import { salesforceStreams } from '../../activities/sources/salesforce/definition';
import { useStaging } from '../support/staging';
import { RUN_TIME, contactRow } from './rows';

const stream = salesforceStreams.contact;
const area = 'connector-1/contact';
const suite = defaultSuiteFor('salesforce', 'contact');
const staged = useStaging('quality-', { each: true });

const readAll = async (ref: BatchRef | null): Promise<Row[]> => {
  const rows: Row[] = [];
  if (ref) for await (const row of staged.staging.readBatch(ref)) rows.push(row);
  return rows;
};

/** A row as Salesforce would have sent it, field by field. */
const sourceRecordOf = (row: Row): Record<string, unknown> =>
  Object.fromEntries(stream.columns.map((c) => [c.sourceField ?? c.name, row[c.name]]));

const stage = (rows: Row[]) =>
  staged.staging.writeBatch(area, stream, rows, { value: '2026-03-01T11:59:00.000Z', lastKey: '003000000000000099' });
const gate = (batch: BatchRef) => validateBatch({ staging: staged.staging }, { area, stream, batch, suite, runTime: RUN_TIME });

/** A batch with one of each kind of row: clean, flawed once, flawed twice, duplicated, deleted. */
const mixedRows = (): Row[] => [
  contactRow(1),
  contactRow(2, { email: '+1 415-555-0100' }),
  contactRow(3, { customer_id: 'CUST-DUP' }),
  contactRow(4),
  contactRow(5, { is_deleted: true, email: null }),
  contactRow(6, { customer_id: 'CUST-DUP', is_active: false }),
  contactRow(7, { last_name: null }),
  contactRow(8),
];

describe('validateBatch', () => {
  it('quarantines a row whose source value the mapper could not convert, naming the column, and loads the rest', async () => {
    const odd = mapSalesforceRecord(stream, { ...sourceRecordOf(contactRow(2)), CreatedDate: 'not a date' });
    const rows = [contactRow(1), odd, contactRow(3, { is_deleted: true }), contactRow(4)];
    rows[2] = { ...rows[2], [UNCONVERTIBLE]: { created_at: 'also not a date' } };
    const { summary } = await gate(await stage(rows));

    expect(await readAll(summary.clean)).toEqual([rows[0], rows[2], rows[3]]);
    expect(await readAll(summary.quarantine)).toEqual([{ record: odd, reasons: ['convertible(created_at)'] }]);
    expect(summary).toMatchObject({ evaluated: 3, valid: 2, invalid: 1, deletes: 1, failuresByRule: { 'convertible(created_at)': 1 } });
  });

  it('splits a batch into clean rows (deletions included) and quarantined rows with their reasons', async () => {
    const rows = mixedRows();
    const batch = await stage(rows);
    const { summary, report } = await gate(batch);

    expect(await readAll(summary.clean)).toEqual([rows[0], rows[3], rows[4], rows[7]]);
    expect(await readAll(summary.quarantine)).toEqual([
      { record: rows[1], reasons: ['match_regex(email)'] },
      { record: rows[2], reasons: ['unique(customer_id)'] },
      { record: rows[5], reasons: ['unique(customer_id)', 'in_set(is_active)'] },
      { record: rows[6], reasons: ['not_null(last_name)'] },
    ]);
    expect(summary).toMatchObject({
      evaluated: 7,
      valid: 3,
      invalid: 4,
      deletes: 1,
      invalidShare: 4 / 7,
      failuresByRule: { 'match_regex(email)': 1, 'unique(customer_id)': 2, 'in_set(is_active)': 1, 'not_null(last_name)': 1 },
      success: false,
    });
    expect(report.success).toBe(false);
    const duplicates = report.results.find((r) => ruleLabel(r.expectation_config) === 'unique(customer_id)');
    expect(duplicates?.result.partial_unexpected_list).toEqual(['CUST-DUP', 'CUST-DUP']);
  });

  it('holds each row to its stream’s types, as the warehouse and GX do: a value its column cannot take quarantines the row', async () => {
    const rows = [contactRow(1), contactRow(2, { is_active: 'yes' }), contactRow(3, { created_at: '2026-02-30T00:00:00Z' })];
    const { summary } = await gate(await stage(rows));
    expect(await readAll(summary.quarantine)).toEqual([
      {
        record: { ...rows[1], is_active: null, [UNCONVERTIBLE]: { is_active: 'yes' } },
        reasons: ['convertible(is_active)', 'not_null(is_active)'],
      },
      {
        record: { ...rows[2], created_at: null, [UNCONVERTIBLE]: { created_at: '2026-02-30T00:00:00Z' } },
        reasons: ['convertible(created_at)'],
      },
    ]);
    expect(summary).toMatchObject({ valid: 1, invalid: 2, batchFailures: [] });
  });

  it('names the expectations that fail the batch as a whole, for the gate', async () => {
    const strict = parseSuite({
      name: 'strict',
      expectations: [
        ...suite.expectations,
        { type: 'expect_column_values_to_match_regex', kwargs: { column: 'email', regex: '@example\\.com\\Z', mostly: 0.9 } },
        { type: 'expect_column_to_exist', kwargs: { column: 'nickname' } },
      ],
    });
    const rows = [contactRow(1), contactRow(2, { email: 'ada@example.org' }), contactRow(3)];
    const { summary } = await validateBatch(
      { staging: staged.staging },
      { area, stream, batch: await stage(rows), suite: strict, runTime: RUN_TIME },
    );
    expect(summary).toMatchObject({
      invalid: 1,
      failuresByRule: { 'match_regex(email)#2': 1 },
      batchFailures: ['match_regex(email)#2', 'column_exists(nickname)'],
    });
  });

  it('hands the workflow figures and references only: the clean batch carries the cursor, quarantine sits apart', async () => {
    const rows = mixedRows();
    const batch = await stage(rows);
    const { summary } = await gate(batch);
    expect(summary.clean?.cursorAfter).toEqual(batch.cursorAfter);
    expect(summary.clean?.rows).toBe(4);
    expect(summary.quarantine?.rows).toBe(4);
    expect(path.dirname(localPath(summary.quarantine ?? batch))).toBe(path.join(staged.root, area, 'quarantine'));
    const payload = JSON.stringify(summary);
    for (const row of rows) {
      for (const column of stream.columns.filter((c) => c.personal)) {
        const value = row[column.name];
        if (typeof value === 'string') expect(payload).not.toContain(value);
      }
    }
    expect(payload).not.toContain('CUST-DUP');
  });

  it('is deterministic: a re-run writes the same files and returns the same answer', async () => {
    const batch = await stage(mixedRows());
    const first = await gate(batch);
    const filesAfterFirst = await readdir(path.join(staged.root, area), { recursive: true });
    const second = await gate(batch);
    expect(second).toEqual(first);
    expect(await readdir(path.join(staged.root, area), { recursive: true })).toEqual(filesAfterFirst);
  });

  it('writes rows it passes on unchanged, and rows it changed, byte for byte as writeBatch writes them', async () => {
    // Unchanged rows keep their staged lines; a row held to its types (is_active) is encoded afresh.
    const rows = [...mixedRows(), contactRow(9, { is_active: 'yes' })];
    const { summary } = await gate(await stage(rows));
    const written = (rowsOf: Row[], cursor: BatchRef['cursorAfter']) => staged.staging.writeBatch('elsewhere', stream, rowsOf, cursor);
    const clean = await written(
      [rows[0], rows[3], rows[4], rows[7]].filter((row) => row !== undefined),
      summary.clean?.cursorAfter ?? null,
    );
    const quarantine = await written(
      [
        { record: rows[1], reasons: ['match_regex(email)'] },
        { record: rows[2], reasons: ['unique(customer_id)'] },
        { record: rows[5], reasons: ['unique(customer_id)', 'in_set(is_active)'] },
        { record: rows[6], reasons: ['not_null(last_name)'] },
        {
          record: { ...contactRow(9), is_active: null, [UNCONVERTIBLE]: { is_active: 'yes' } },
          reasons: ['convertible(is_active)', 'not_null(is_active)'],
        },
      ],
      null,
    );
    expect(summary.clean?.sha256).toBe(clean.sha256);
    expect(summary.quarantine?.sha256).toBe(quarantine.sha256);
  });

  it('leaves a clean batch as it is and writes no quarantine', async () => {
    const batch = await stage([contactRow(1), contactRow(2), contactRow(3, { is_deleted: true })]);
    const { summary } = await gate(batch);
    expect(summary.clean?.sha256).toBe(batch.sha256);
    expect(summary).toMatchObject({
      evaluated: 2,
      valid: 2,
      invalid: 0,
      deletes: 1,
      invalidShare: 0,
      failuresByRule: {},
      success: true,
      quarantine: null,
    });
  });

  it('returns no clean batch when every row fails', async () => {
    const batch = await stage([contactRow(1, { is_active: false }), contactRow(2, { email: null })]);
    const { summary } = await gate(batch);
    expect(summary).toMatchObject({ evaluated: 2, valid: 0, invalid: 2, invalidShare: 1, clean: null });
  });

  it('refuses a suite that arrived malformed, as a config error naming the field', async () => {
    const batch = await stage([contactRow(1)]);
    const broken = {
      name: 'hand-made',
      expectations: [{ type: 'expect_column_values_to_be_between' as const, kwargs: { column: 'created_at', min_value: 'yesterday' } }],
    };
    const run = validateBatch({ staging: staged.staging }, { area, stream, batch, suite: broken, runTime: RUN_TIME });
    await expect(run).rejects.toThrow(ConnectorError);
    await expect(run).rejects.toThrow(/expectations\[0\]\.kwargs\.min_value/);
  });
});
