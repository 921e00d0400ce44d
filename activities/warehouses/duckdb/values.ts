/** Values across the DuckDB boundary: query parameters in, plain JSON-safe rows out. */
import type { DuckDBConnection, DuckDBMaterializedResult, DuckDBValue, DuckDBValueConverter, JS } from '@duckdb/node-api';
import { plainInteger } from '../sql';
import { type Driver, loadDriver } from './connection';

export function toDuckDBValue(value: unknown, index: number): DuckDBValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
  }
  throw new TypeError(`query parameter ${index + 1} must be a string, number, bigint, boolean, Date or null`);
}

/** What the JS converter yields, made JSON-safe: ISO timestamps, exact numbers, base64 bytes. */
function plainFromJs(value: JS): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (typeof value === 'bigint') return plainInteger(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plainFromJs);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainFromJs(inner)]));
  }
  return value;
}

/** DuckDB values as plain JS: dates as YYYY-MM-DD, JSON parsed, lists as arrays, the rest via plainFromJs. */
function plainConverter(d: Driver): DuckDBValueConverter<unknown> {
  const convert: DuckDBValueConverter<unknown> = (value, type, self) => {
    if (value === null) return null;
    switch (type.typeId) {
      case d.DuckDBTypeId.DATE:
        return String(value);
      case d.DuckDBTypeId.VARCHAR:
        return type.alias === 'JSON' ? JSON.parse(String(value)) : String(value);
      case d.DuckDBTypeId.LIST:
        return d.arrayFromListValue(value, type, self);
      case d.DuckDBTypeId.ARRAY:
        return d.arrayFromArrayValue(value, type, self);
      case d.DuckDBTypeId.STRUCT:
        return d.objectFromStructValue(value, type, self);
      default:
        return plainFromJs(d.JSDuckDBValueConverter(value, type, d.JSDuckDBValueConverter));
    }
  };
  return convert;
}

/** A result's rows as plain JSON-safe objects, by the result's (deduplicated) column names. */
export async function plainRows(result: DuckDBMaterializedResult): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const d = await loadDriver();
  // Column types come from the result, not its chunks: only the result's types keep the JSON alias.
  const names = result.deduplicatedColumnNames();
  const columns = result.columnTypes().map((type, i) => ({ type, name: names[i] ?? result.columnName(i) }));
  const convert = plainConverter(d);
  const rows = await result.getRows();
  return {
    columns: columns.map(({ name }) => name),
    rows: rows.map((row) => Object.fromEntries(columns.map(({ name, type }, i) => [name, convert(row[i] ?? null, type, convert)]))),
  };
}

export async function readOnlyQuery(
  connection: DuckDBConnection,
  sql: string,
  params: readonly unknown[],
): Promise<Record<string, unknown>[]> {
  // The interface promises read-only SQL; DuckDB enforces it rather than trusting the caller.
  await connection.run('BEGIN TRANSACTION READ ONLY');
  try {
    return (await plainRows(await connection.run(sql, params.map(toDuckDBValue)))).rows;
  } finally {
    await connection.run('ROLLBACK');
  }
}
