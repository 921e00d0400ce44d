/**
 * PostgreSQL results in the Data API's shapes: each value a one-key Field union chosen by the
 * column's Redshift type, and ColumnMetadata named as Redshift names its types.
 */
import type { FieldDef } from 'pg';

export type Field =
  { stringValue: string } | { longValue: number } | { doubleValue: number } | { booleanValue: boolean } | { isNull: true };

export interface ColumnMetadata {
  name: string;
  label: string;
  typeName: string;
  nullable: number;
  isSigned: boolean;
  isCaseSensitive: boolean;
  isCurrency: boolean;
  precision: number;
  scale: number;
  length: number;
  schemaName: string;
  tableName: string;
}

export interface ResultSet {
  readonly columns: readonly ColumnMetadata[];
  readonly records: readonly (readonly Field[])[];
}

/** PostgreSQL types that Redshift calls otherwise: SUPER is what JSONB stands in for. */
const REDSHIFT_TYPE_NAMES: Readonly<Record<string, string>> = { jsonb: 'super', json: 'super', text: 'varchar' };
const LONG_TYPES: ReadonlySet<string> = new Set(['int2', 'int4', 'int8']);
const DOUBLE_TYPES: ReadonlySet<string> = new Set(['float4', 'float8']);
const SIGNED_TYPES: ReadonlySet<string> = new Set([...LONG_TYPES, ...DOUBLE_TYPES, 'numeric']);
const TEXT_TYPES: ReadonlySet<string> = new Set(['varchar', 'bpchar', 'super']);

function fieldOf(text: string | null, typeName: string): Field {
  if (text === null) return { isNull: true };
  if (LONG_TYPES.has(typeName)) return { longValue: Number(text) };
  if (DOUBLE_TYPES.has(typeName)) {
    const value = Number(text);
    return Number.isFinite(value) ? { doubleValue: value } : { stringValue: text };
  }
  if (typeName === 'bool') return { booleanValue: text === 't' };
  return { stringValue: text };
}

/** varchar(n) and numeric(p, s) keep their sizes in the type modifier, offset by 4. */
function sizes(typeName: string, modifier: number): Pick<ColumnMetadata, 'precision' | 'scale' | 'length'> {
  if (modifier < 4) return { precision: 0, scale: 0, length: 0 };
  const size = modifier - 4;
  if (typeName === 'numeric') return { precision: size >> 16, scale: size & 0xffff, length: 0 };
  if (TEXT_TYPES.has(typeName)) return { precision: size, scale: 0, length: size };
  return { precision: 0, scale: 0, length: 0 };
}

export function toResultSet(
  fields: readonly FieldDef[],
  rows: readonly (readonly (string | null)[])[],
  postgresTypeNames: ReadonlyMap<number, string>,
): ResultSet {
  const typeNames = fields.map((field) => {
    const postgres = postgresTypeNames.get(field.dataTypeID) ?? 'unknown';
    return REDSHIFT_TYPE_NAMES[postgres] ?? postgres;
  });
  const columns = fields.map((field, i): ColumnMetadata => {
    const typeName = typeNames[i] ?? 'unknown';
    return {
      name: field.name,
      label: field.name,
      typeName,
      nullable: 1,
      isSigned: SIGNED_TYPES.has(typeName),
      isCaseSensitive: TEXT_TYPES.has(typeName),
      isCurrency: false,
      ...sizes(typeName, field.dataTypeModifier),
      schemaName: '',
      tableName: '',
    };
  });
  const records = rows.map((row) => row.map((text, i) => fieldOf(text, typeNames[i] ?? 'unknown')));
  return { columns, records };
}
