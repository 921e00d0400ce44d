/**
 * Query results on the wire: a DuckDB result's column types become a BigQuery schema, its values
 * the `{f: [{v}]}` rows where every scalar is a string (protocols.md section 2, response shapes).
 */
import {
  DuckDBBlobValue,
  DuckDBListValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

export interface ResultField {
  name: string;
  type: string;
  mode: 'NULLABLE' | 'REPEATED';
  fields?: ResultField[];
}

export interface ResultSet {
  fields: ResultField[];
  types: DuckDBType[];
  rows: DuckDBValue[][];
}

/** How TIMESTAMP values are written: int64 microseconds when the client asks (the SDK does), else float seconds. */
export interface FormatOptions {
  useInt64Timestamp: boolean;
}

type Cell = { v: CellValue };
type CellValue = string | null | Cell[] | { f: Cell[] };

/** BigQuery's name for each DuckDB scalar type; one not listed is written as STRING. */
const BIGQUERY_SCALAR_TYPES: Readonly<Partial<Record<DuckDBTypeId, string>>> = {
  [DuckDBTypeId.VARCHAR]: 'STRING',
  [DuckDBTypeId.TINYINT]: 'INTEGER',
  [DuckDBTypeId.SMALLINT]: 'INTEGER',
  [DuckDBTypeId.INTEGER]: 'INTEGER',
  [DuckDBTypeId.BIGINT]: 'INTEGER',
  [DuckDBTypeId.HUGEINT]: 'INTEGER',
  [DuckDBTypeId.UTINYINT]: 'INTEGER',
  [DuckDBTypeId.USMALLINT]: 'INTEGER',
  [DuckDBTypeId.UINTEGER]: 'INTEGER',
  [DuckDBTypeId.UBIGINT]: 'INTEGER',
  [DuckDBTypeId.FLOAT]: 'FLOAT',
  [DuckDBTypeId.DOUBLE]: 'FLOAT',
  [DuckDBTypeId.DECIMAL]: 'NUMERIC',
  [DuckDBTypeId.BOOLEAN]: 'BOOLEAN',
  [DuckDBTypeId.TIMESTAMP_TZ]: 'TIMESTAMP',
  [DuckDBTypeId.TIMESTAMP]: 'DATETIME',
  [DuckDBTypeId.DATE]: 'DATE',
  [DuckDBTypeId.TIME]: 'TIME',
  [DuckDBTypeId.BLOB]: 'BYTES',
  // An untyped NULL, as in `SELECT NULL`: BigQuery types it INT64.
  [DuckDBTypeId.SQLNULL]: 'INTEGER',
};

function scalarTypeName(type: DuckDBType): string {
  if (type.typeId === DuckDBTypeId.VARCHAR && type.alias === 'JSON') return 'JSON';
  return BIGQUERY_SCALAR_TYPES[type.typeId] ?? 'STRING';
}

export function resultField(name: string, type: DuckDBType): ResultField {
  if (type.typeId === DuckDBTypeId.LIST) return { ...resultField(name, type.valueType), mode: 'REPEATED' };
  if (type.typeId === DuckDBTypeId.STRUCT) {
    const fields = type.entryNames.map((entry, i) => resultField(entry, type.entryTypes[i] ?? type));
    return { name, type: 'RECORD', mode: 'NULLABLE', fields };
  }
  return { name, type: scalarTypeName(type), mode: 'NULLABLE' };
}

function encodeValue(value: DuckDBValue, type: DuckDBType, format: FormatOptions): CellValue {
  if (value === null) return null;
  if (value instanceof DuckDBListValue && type.typeId === DuckDBTypeId.LIST) {
    return value.items.map((item) => ({ v: encodeValue(item, type.valueType, format) }));
  }
  if (value instanceof DuckDBStructValue && type.typeId === DuckDBTypeId.STRUCT) {
    return { f: type.entryNames.map((entry, i) => ({ v: encodeValue(value.entries[entry] ?? null, type.entryTypes[i] ?? type, format) })) };
  }
  if (value instanceof DuckDBTimestampTZValue) {
    return format.useInt64Timestamp ? value.micros.toString() : String(Number(value.micros) / 1e6);
  }
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64');
  // BigQuery writes DATETIME with a T between date and time.
  if (type.typeId === DuckDBTypeId.TIMESTAMP) return String(value).replace(' ', 'T');
  return String(value);
}

export function encodeRow(row: readonly DuckDBValue[], types: readonly DuckDBType[], format: FormatOptions): { f: Cell[] } {
  return { f: types.map((type, i) => ({ v: encodeValue(row[i] ?? null, type, format) })) };
}
