/**
 * The SOQL of a page read: every column of the stream, strictly after the cursor, in cursor order,
 * within the customer-ID range being read. Pure.
 */
import type { StreamCursor } from '../../../domain/cycle';
import type { StreamColumn } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
import { sourceFieldOf } from '../definition';
import type { SalesforceStream } from './definition';
import { CUSTOMER_ID_COLUMN, parsePartition } from './partitions';

function columnOf(stream: SalesforceStream, name: string): StreamColumn {
  const column = stream.columns.find((c) => c.name === name);
  if (!column) throw new ConnectorError('config', `stream ${stream.name} has no column ${name}`);
  return column;
}

const SALESFORCE_ID = /^[a-zA-Z0-9]{15,18}$/;

/** The cursor goes into SOQL as literals, so it is checked first: a bad checkpoint never injects. */
function cursorLiterals(stream: SalesforceStream, cursor: StreamCursor): { value: string; key: string } {
  const at = Date.parse(cursor.value);
  if (Number.isNaN(at) || !SALESFORCE_ID.test(cursor.lastKey)) {
    throw new ConnectorError(
      'config',
      `the stored cursor of stream ${stream.name} is not a timestamp and a Salesforce id`,
      "reset the stream's cursor to re-read it from the start",
    );
  }
  return { value: new Date(at).toISOString(), key: `'${cursor.lastKey}'` };
}

/** A customer-ID range as SOQL; the first range also holds the records without a customer ID. */
function partitionCondition(stream: SalesforceStream, partition: string | null): string | null {
  const range = partition === null ? null : parsePartition(partition);
  if (!range) return null;
  const field = sourceFieldOf(columnOf(stream, CUSTOMER_ID_COLUMN));
  const literal = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const bounds = [
    range.from === null ? null : `${field} >= ${literal(range.from)}`,
    range.to === null ? null : `${field} < ${literal(range.to)}`,
  ].filter((bound): bound is string => bound !== null);
  const inRange = bounds.join(' AND ');
  if (range.from !== null) return inRange;
  return inRange ? `(${field} = null OR ${inRange})` : null;
}

/**
 * Everything strictly after the cursor, in cursor order: rows sharing the cursor's timestamp are
 * told apart by Id, so none is skipped or read twice.
 */
export function buildSoql(stream: SalesforceStream, cursor: StreamCursor | null, partition: string | null = null): string {
  // A field read into two columns (Id as the customer id too) is selected once: SOQL refuses duplicates.
  const fields = [...new Set(stream.columns.map(sourceFieldOf))].join(', ');
  const cursorField = sourceFieldOf(columnOf(stream, stream.cursorColumn));
  const keyField = sourceFieldOf(columnOf(stream, stream.primaryKey));
  const order = ` ORDER BY ${cursorField}, ${keyField}`;
  const conditions: string[] = [];
  const inPartition = partitionCondition(stream, partition);
  if (inPartition) conditions.push(inPartition);
  if (cursor) {
    const { value, key } = cursorLiterals(stream, cursor);
    conditions.push(`(${cursorField} > ${value} OR (${cursorField} = ${value} AND ${keyField} > ${key}))`);
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${fields} FROM ${stream.sobject}${where}${order}`;
}
