/**
 * Values across the Data API: result Fields read back as plain JSON-safe values (by the column's
 * Redshift type), and `query()`'s positional `$n` parameters turned into the Data API's `:name`.
 */
import type { ColumnMetadata, Field } from '@aws-sdk/client-redshift-data';
import { ConnectorError } from '../../errors';
import type { ResultTable } from './connection';

/** `2026-01-05 10:30:45.123+00` (timestamptz) or `2026-01-05 10:30:45` (timestamp, UTC) → ISO-8601. */
function isoInstant(text: string): string {
  const match = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d(?:\.\d+)?)(?:([+-]\d\d)(?::?(\d\d))?)?$/.exec(text);
  if (!match) return text;
  const [, date, time, hours, minutes = '00'] = match;
  const instant = new Date(`${date}T${time}${hours ? `${hours}:${minutes}` : 'Z'}`);
  return Number.isNaN(instant.getTime()) ? text : instant.toISOString();
}

function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Exact decimals stay strings; whole numbers a double holds exactly become numbers. */
function plainNumeric(text: string): number | string {
  const value = Number(text);
  return Number.isSafeInteger(value) && /^-?\d+(\.0*)?$/.test(text) ? value : text;
}

const STRING_READERS: Readonly<Record<string, (text: string) => unknown>> = {
  super: parsedJson,
  timestamptz: isoInstant,
  timestamp: isoInstant,
  numeric: plainNumeric,
};

export function plainValue(field: Field | undefined, column: ColumnMetadata | undefined): unknown {
  if (!field || field.isNull) return null;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('base64');
  const text = field.stringValue ?? null;
  if (text === null) return null;
  const read = STRING_READERS[(column?.typeName ?? '').toLowerCase()];
  return read ? read(text) : text;
}

/** A result's records as plain rows keyed by column name. */
export function plainRows({ columns, records }: ResultTable): Record<string, unknown>[] {
  return records.map((record) =>
    Object.fromEntries(columns.map((column, i) => [column.name ?? `column${i + 1}`, plainValue(record[i], column)])),
  );
}

/** The statement's text outside quotes and comments, with everything inside them left as written. */
function splitCode(sql: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  let i = 0;
  let start = 0;
  const close = (end: number, code: boolean): void => {
    if (end > start) parts.push({ code, text: sql.slice(start, end) });
    start = end;
  };
  while (i < sql.length) {
    const c = sql[i] ?? '';
    const two = sql.slice(i, i + 2);
    let end = -1;
    if (c === "'" || c === '"') {
      end = i + 1;
      while (end < sql.length && !(sql[end] === c && sql[end + 1] !== c)) end += sql[end] === c ? 2 : 1;
      end = Math.min(end + 1, sql.length);
    } else if (two === '--') end = sql.includes('\n', i) ? sql.indexOf('\n', i) : sql.length;
    else if (two === '/*') end = sql.includes('*/', i) ? sql.indexOf('*/', i) + 2 : sql.length;
    if (end < 0) {
      i += 1;
      continue;
    }
    close(i, true);
    close(end, false);
    i = end;
  }
  close(sql.length, true);
  return parts;
}

const READ_ONLY = /^\s*\(*\s*(SELECT|WITH|SHOW|EXPLAIN|VALUES)\b/i;

/** A parameter as the Data API takes it: a non-empty string, or SQL written in place of one. */
function bound(value: unknown, index: number): { literal: string } | { value: string } {
  if (value === null || value === undefined) return { literal: 'NULL' };
  if (value instanceof Date) return { value: value.toISOString() };
  switch (typeof value) {
    case 'string':
      return value === '' ? { literal: "''" } : { value };
    case 'number':
    case 'bigint':
    case 'boolean':
      return { value: String(value) };
  }
  throw new ConnectorError('config', `query parameter ${index + 1} must be a string, number, bigint, boolean, Date or null`);
}

/**
 * Checks that `sql` is one read-only statement and turns `$1…$n` into `:p1…:pn`. The Data API runs
 * no read-only transaction, so the statement's kind is checked here instead.
 */
export function readOnlyStatement(sql: string, params: readonly unknown[]): { sql: string; parameters: Record<string, string> } {
  const parts = splitCode(sql.trim().replace(/;\s*$/, ''));
  const code = parts
    .filter((part) => part.code)
    .map((part) => part.text)
    .join(' ');
  if (!READ_ONLY.test(code) || code.includes(';')) {
    throw new ConnectorError('config', 'query() runs one read-only statement (SELECT, WITH, SHOW, EXPLAIN or VALUES)');
  }
  const values = params.map(bound);
  const parameters: Record<string, string> = {};
  const text = parts
    .map((part) =>
      part.code
        ? part.text.replace(/\$(\d+)/g, (placeholder, position: string) => {
            const value = values[Number(position) - 1];
            if (!value) throw new ConnectorError('config', `query() has no value for ${placeholder}`);
            if ('literal' in value) return value.literal;
            parameters[`p${position}`] = value.value;
            return `:p${position}`;
          })
        : part.text,
    )
    .join('');
  return { sql: text, parameters };
}
