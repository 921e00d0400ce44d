/**
 * A Salesforce timestamp's column value is what `new Date(Date.parse(v)).toISOString()` gives, and a
 * value Date.parse refuses is kept aside: the mapper reads the plain form Salesforce writes without
 * Date.parse, and must give the same for every text, impossible days and hour 24 included (V8's
 * parser rolls those over to the next day or month; the plain form's fast path must not take them).
 */
import fc from 'fast-check';
import { isPlainUtcInstant } from '../../activities/quality/instants';
import { salesforceStreams } from '../../activities/sources/salesforce/definition';
import { csvRowMapper, mapSalesforceRecord } from '../../activities/sources/salesforce/mapping';
import { UNCONVERTIBLE } from '../../activities/sources/types';
import { calendarGrid, timestampTexts } from '../support/timestamp-texts';

const contact = salesforceStreams.contact;
const toRow = csvRowMapper(contact, ['Id', 'CreatedDate']);

/** The expression the mapper used for every timestamp: the column's value, or the raw text kept aside. */
function throughDateParse(text: string): { created_at: string | null; [UNCONVERTIBLE]?: { created_at: string } } {
  const at = Date.parse(text);
  return Number.isNaN(at) ? { created_at: null, [UNCONVERTIBLE]: { created_at: text } } : { created_at: new Date(at).toISOString() };
}

function mapped(row: Record<string, unknown>): { created_at: unknown; [UNCONVERTIBLE]?: unknown } {
  return { created_at: row.created_at, ...(row[UNCONVERTIBLE] !== undefined && { [UNCONVERTIBLE]: row[UNCONVERTIBLE] }) };
}

/** Both mappers (REST record, Bulk API CSV row) against Date.parse, for one text. */
function expectAsDateParse(text: string): void {
  const expected = { text, ...throughDateParse(text) };
  expect({ text, ...mapped(mapSalesforceRecord(contact, { Id: '003A', CreatedDate: text })) }).toEqual(expected);
  // An empty CSV value is a null, not a text.
  if (text !== '') expect({ text, ...mapped(toRow(['003A', text])) }).toEqual(expected);
}

describe('Salesforce timestamps', () => {
  it('map as Date.parse and toISOString map them, on every day of every month, hour 24 and every zone', () => {
    const grid = calendarGrid();
    for (const text of grid) expectAsDateParse(text);
    // The grid holds the form Salesforce writes, in range and out of it (Date.parse rolls 02-30 over).
    const plain = grid.filter(isPlainUtcInstant);
    expect(plain).toContain('2024-02-29T23:59:59.999+0000');
    expect(plain).not.toContain('2023-02-29T23:59:59.999+0000');
    expect(plain).not.toContain('2024-03-01T24:00:00.000Z');
    expect(throughDateParse('2024-02-30T00:00:00.000+0000').created_at).toBe('2024-03-01T00:00:00.000Z');
    expect(plain.length).toBeGreaterThan(1000);
  });

  it('map as Date.parse and toISOString map them, whatever the text', () => {
    fc.assert(fc.property(timestampTexts, expectAsDateParse), { numRuns: 10_000 });
  });
});
