/**
 * DuckDB results in Snowflake's JSON result format: a `rowtype` describing each column and a `rowset`
 * of strings, encoded the way snowflake-sdk decodes them (connection/result/column.js).
 */
import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  type DuckDBMaterializedResult,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { resultColumnName } from './dialect';

export interface RowType {
  name: string;
  type: string;
  nullable: boolean;
  precision: number | null;
  scale: number | null;
  length: number | null;
  byteLength: number | null;
}

export interface ResultSet {
  rowtype: RowType[];
  rowset: (string | null)[][];
}

const NUMERIC_INTEGERS: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
]);

/** Snowflake's name for the DuckDB type, as the driver expects it in `rowtype[].type`. */
function snowflakeType(type: DuckDBType): Pick<RowType, 'type' | 'precision' | 'scale'> {
  if (NUMERIC_INTEGERS.has(type.typeId)) return { type: 'fixed', precision: 38, scale: 0 };
  switch (type.typeId) {
    case DuckDBTypeId.DECIMAL:
      return { type: 'fixed', precision: type.width, scale: type.scale };
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return { type: 'real', precision: null, scale: null };
    case DuckDBTypeId.BOOLEAN:
      return { type: 'boolean', precision: null, scale: null };
    case DuckDBTypeId.DATE:
      return { type: 'date', precision: null, scale: null };
    case DuckDBTypeId.TIMESTAMP:
      return { type: 'timestamp_ntz', precision: 0, scale: 9 };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { type: 'timestamp_tz', precision: 0, scale: 9 };
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return { type: 'array', precision: null, scale: null };
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
      return { type: 'object', precision: null, scale: null };
    case DuckDBTypeId.VARCHAR:
      return { type: type.alias === 'JSON' ? 'variant' : 'text', precision: null, scale: null };
    default:
      return { type: 'text', precision: null, scale: null };
  }
}

const MICROS_PER_SECOND = 1_000_000n;

/** `<epoch seconds>.<9-digit fraction>`, as the driver reads timestamps. */
function epochSeconds(micros: bigint): string {
  const magnitude = micros < 0n ? -micros : micros;
  const fraction = (magnitude % MICROS_PER_SECOND).toString().padStart(6, '0');
  return `${micros < 0n ? '-' : ''}${magnitude / MICROS_PER_SECOND}.${fraction}000`;
}

function encodeValue(value: DuckDBValue, type: DuckDBType): string | null {
  if (value === null) return null;
  if (value instanceof DuckDBTimestampTZValue) return `${epochSeconds(value.micros)} 1440`; // offset 0, shifted by 1440
  if (value instanceof DuckDBTimestampValue) return epochSeconds(value.micros);
  if (value instanceof DuckDBDateValue) return String(value.days);
  if (value instanceof DuckDBDecimalValue) return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(JsonDuckDBValueConverter(value, type, JsonDuckDBValueConverter));
}

export async function resultSet(result: DuckDBMaterializedResult, sql: string): Promise<ResultSet> {
  const types = result.columnTypes();
  const names = result.columnNames();
  const rowtype = types.map((type, index) => ({
    name: resultColumnName(names[index] ?? `COLUMN${index + 1}`, sql),
    nullable: true,
    length: null,
    byteLength: null,
    ...snowflakeType(type),
  }));
  const rows = await result.getRows();
  const rowset = rows.map((row) =>
    row.map((value, index) => {
      const type = types[index];
      return type ? encodeValue(value, type) : null;
    }),
  );
  return { rowtype, rowset };
}

/** A one-column text result, the shape of Snowflake's status answers to DDL and transaction control. */
export function statusResult(status: string): ResultSet {
  return { rowtype: [textColumn('status')], rowset: [[status]] };
}

/** The counts a DML statement reports, one fixed column per figure. */
export function countResult(counts: Readonly<Record<string, number>>): ResultSet {
  const entries = Object.entries(counts);
  return {
    rowtype: entries.map(([name]) => ({ ...textColumn(name), type: 'fixed', precision: 38, scale: 0 })),
    rowset: [entries.map(([, count]) => String(count))],
  };
}

export function textColumn(name: string): RowType {
  return { name, type: 'text', nullable: true, precision: null, scale: null, length: 16_777_216, byteLength: 16_777_216 };
}
