/**
 * Snowflake names and types. Snowflake folds unquoted identifiers to upper case, so every name is
 * written upper-cased and quoted: `person.email` is "PERSON"."EMAIL", which the unquoted
 * `person.email` of a hand-written query also finds.
 */
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { METADATA_STREAM_COLUMNS, quoteIdentifier } from '../sql';

export const identifier = (name: string): string => quoteIdentifier(name.toUpperCase());

export const tableName = (schema: string, table: string): string => `${identifier(schema)}.${identifier(table)}`;

/** A name Snowflake reports back (upper case when it was folded) as the stream spells it. */
export const streamName = (stored: string): string => (/[a-z]/.test(stored) ? stored : stored.toLowerCase());

/** What each stream type is created as. */
export const COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'VARCHAR',
  integer: 'NUMBER(38,0)',
  number: 'FLOAT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP_TZ',
  date: 'DATE',
  json: 'VARIANT',
};

/** How INFORMATION_SCHEMA.COLUMNS reports each of them (see `catalogType`). */
export const CATALOG_TYPES: Readonly<Record<ColumnType, string>> = {
  ...COLUMN_TYPES,
  string: 'TEXT',
};

/** DATA_TYPE with its precision and scale for NUMBER, which is how integers are told from decimals. */
export function catalogType(dataType: string, precision: unknown, scale: unknown): string {
  return dataType === 'NUMBER' ? `NUMBER(${String(precision)},${String(scale)})` : dataType;
}

export const METADATA_DEFINITIONS: readonly (readonly [name: string, type: string])[] = METADATA_STREAM_COLUMNS.map((column) => [
  column.name,
  COLUMN_TYPES[column.type],
]);

/** The column a stream table is clustered by, so one customer's rows sit together. */
export const CUSTOMER_COLUMN = 'customer_id';

export function clusterBy(stream: StreamDefinition): string {
  return stream.columns.some((c) => c.name === CUSTOMER_COLUMN) ? ` CLUSTER BY (${identifier(CUSTOMER_COLUMN)})` : '';
}
