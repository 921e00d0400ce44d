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

function scalarTypeName(type: DuckDBType): string {
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return type.alias === 'JSON' ? 'JSON' : 'STRING';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
      return 'INTEGER';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return 'FLOAT';
    case DuckDBTypeId.DECIMAL:
      return 'NUMERIC';
    case DuckDBTypeId.BOOLEAN:
      return 'BOOLEAN';
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'TIMESTAMP';
    case DuckDBTypeId.TIMESTAMP:
      return 'DATETIME';
    case DuckDBTypeId.DATE:
      return 'DATE';
    case DuckDBTypeId.TIME:
      return 'TIME';
    case DuckDBTypeId.BLOB:
      return 'BYTES';
    // An untyped NULL, as in `SELECT NULL`: BigQuery types it INT64.
    case DuckDBTypeId.SQLNULL:
      return 'INTEGER';
    default:
      return 'STRING';
  }
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
