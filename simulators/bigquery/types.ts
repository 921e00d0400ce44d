/**
 * BigQuery column types and the DuckDB types that hold them. A table's schema is always read back
 * from DuckDB's catalog, so DDL run as SQL and tables made over REST report the same schema.
 */
import { BigQueryRequestError } from './errors';

/** BigQuery spellings (legacy REST names and GoogleSQL names) → the DuckDB type storing them. */
const DUCKDB_TYPES: Readonly<Record<string, string>> = {
  STRING: 'VARCHAR',
  INTEGER: 'BIGINT',
  INT64: 'BIGINT',
  FLOAT: 'DOUBLE',
  FLOAT64: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  // BigQuery TIMESTAMP is an instant; DATETIME is a wall-clock time.
  TIMESTAMP: 'TIMESTAMPTZ',
  DATETIME: 'TIMESTAMP',
  DATE: 'DATE',
  TIME: 'TIME',
  JSON: 'JSON',
  NUMERIC: 'DECIMAL(38, 9)',
  BIGNUMERIC: 'DECIMAL(38, 9)',
  BYTES: 'BLOB',
};

/** The type of a column as BigQuery describes it in a schema (REST names, as the API returns them). */
export interface FieldType {
  type: string;
  mode: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
}

export function duckdbTypeOf(bigqueryType: string, mode?: string): string {
  const base = DUCKDB_TYPES[bigqueryType.toUpperCase()];
  if (!base) throw new BigQueryRequestError('invalid', `Unsupported type ${bigqueryType} in the simulator`);
  return mode === 'REPEATED' ? `${base}[]` : base;
}

/** DuckDB catalog type names (information_schema.columns.data_type) → BigQuery REST type names. */
const BIGQUERY_TYPES: Readonly<Record<string, string>> = {
  VARCHAR: 'STRING',
  BIGINT: 'INTEGER',
  INTEGER: 'INTEGER',
  SMALLINT: 'INTEGER',
  TINYINT: 'INTEGER',
  HUGEINT: 'INTEGER',
  DOUBLE: 'FLOAT',
  FLOAT: 'FLOAT',
  BOOLEAN: 'BOOLEAN',
  'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP',
  TIMESTAMPTZ: 'TIMESTAMP',
  TIMESTAMP: 'DATETIME',
  DATE: 'DATE',
  TIME: 'TIME',
  JSON: 'JSON',
  BLOB: 'BYTES',
};

export function fieldTypeOf(duckdbType: string, nullable: boolean): FieldType {
  const repeated = duckdbType.endsWith('[]');
  const base = repeated ? duckdbType.slice(0, -2) : duckdbType;
  const type = BIGQUERY_TYPES[base] ?? (base.startsWith('DECIMAL') ? 'NUMERIC' : undefined);
  if (!type) throw new BigQueryRequestError('backendError', `the simulator cannot describe DuckDB type ${duckdbType}`);
  return { type, mode: repeated ? 'REPEATED' : nullable ? 'NULLABLE' : 'REQUIRED' };
}
