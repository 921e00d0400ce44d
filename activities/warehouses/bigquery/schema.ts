/**
 * BigQuery tables of a stream, as data: column types, the ledger, quarantine and tombstone schemas, and the
 * layout (partitioned by event date, clustered by customer) a stream table is created with.
 */
import { z } from 'zod';
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { columnTypeReader } from '../evolution';
import { METADATA_STREAM_COLUMNS } from '../sql';
import { DELETIONS_COLUMNS, DELETIONS_KEY } from '../tombstones';

/** The REST type names, as tables.get reports them (GoogleSQL spells them INT64, FLOAT64, BOOL). */
export const COLUMN_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'STRING',
  integer: 'INTEGER',
  number: 'FLOAT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  json: 'JSON',
};

export const readColumnType = columnTypeReader(COLUMN_TYPES, { INT64: 'integer', FLOAT64: 'number', BOOL: 'boolean' });

/** GoogleSQL names of the same types, for CAST and ALTER COLUMN … SET DATA TYPE. */
export const SQL_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'STRING',
  integer: 'INT64',
  number: 'FLOAT64',
  boolean: 'BOOL',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  json: 'JSON',
};

export const fieldSchema = z.object({
  name: z.string(),
  type: z.string(),
  mode: z.enum(['NULLABLE', 'REQUIRED', 'REPEATED']).default('NULLABLE'),
});
export type Field = z.infer<typeof fieldSchema>;

/** The part of a tables.get answer the plug-in reads. */
export const tableMetadataSchema = z.object({
  schema: z.object({ fields: z.array(fieldSchema).default([]) }).default({ fields: [] }),
  timePartitioning: z.object({ type: z.string(), field: z.string().optional() }).optional(),
  clustering: z.object({ fields: z.array(z.string()) }).optional(),
});
export type TableMetadata = z.infer<typeof tableMetadataSchema>;

const nullable = (name: string, type: string): Field => ({ name, type, mode: 'NULLABLE' });
const required = (name: string, type: string): Field => ({ name, type, mode: 'REQUIRED' });

export const streamFields = (stream: StreamDefinition): Field[] =>
  stream.columns.map((column) => nullable(column.name, COLUMN_TYPES[column.type]));

const METADATA_FIELDS: readonly Field[] = METADATA_STREAM_COLUMNS.map((column) => nullable(column.name, COLUMN_TYPES[column.type]));

export const tableFields = (stream: StreamDefinition): Field[] => [...streamFields(stream), ...METADATA_FIELDS];

export const LEDGER_FIELDS: readonly Field[] = [
  required('load_id', 'STRING'),
  required('connector_id', 'STRING'),
  required('stream', 'STRING'),
  required('rows_merged', 'INTEGER'),
  required('rows_deleted', 'INTEGER'),
  required('rows_quarantined', 'INTEGER'),
  required('loaded_at', 'TIMESTAMP'),
];

export const QUARANTINE_FIELDS: readonly Field[] = [
  required('load_id', 'STRING'),
  required('connector_id', 'STRING'),
  required('stream', 'STRING'),
  nullable('record_key', 'STRING'),
  { name: 'reasons', type: 'STRING', mode: 'REPEATED' },
  required('record', 'JSON'),
  required('quarantined_at', 'TIMESTAMP'),
];

export const DELETIONS_FIELDS: readonly Field[] = DELETIONS_COLUMNS.map((column) =>
  (column.required ? required : nullable)(column.name, COLUMN_TYPES[column.type]),
);

/** Tombstones are looked up by their key: clustered by it, BigQuery reads only the blocks that can hold it. */
export const DELETIONS_LAYOUT: TableLayout = { clustering: { fields: [...DELETIONS_KEY] } };

/** The lines of a staged quarantine file: `{record, reasons}`. */
export const QUARANTINE_FILE_FIELDS: readonly Field[] = [nullable('record', 'JSON'), { name: 'reasons', type: 'STRING', mode: 'REPEATED' }];

/** The column clustering keeps one customer's rows together in. */
const CUSTOMER_COLUMN = 'customer_id';
/** The event date when the cursor is no date: when the record came to be. */
const CREATED_COLUMN = 'created_at';
const DATED: ReadonlySet<ColumnType> = new Set(['timestamp', 'date']);
/** Types BigQuery can cluster by. */
const CLUSTERABLE: ReadonlySet<ColumnType> = new Set(['string', 'integer', 'boolean', 'timestamp', 'date']);

export interface TableLayout {
  timePartitioning?: { type: 'DAY'; field: string };
  clustering?: { fields: string[] };
}

/** What a table is created with besides its fields; `expirationTime` in epoch milliseconds. */
export type TableOptions = TableLayout & { expirationTime?: string };

/**
 * Partitioned by the DATE of the stream's cursor column (or of created_at when the cursor is no
 * date), so retention and time-bounded reads touch only their days; clustered by customer_id when
 * the stream has one, so a customer's rows are read together.
 */
export function tableLayout(stream: StreamDefinition): TableLayout {
  const typeOf = (name: string): ColumnType | undefined => stream.columns.find((c) => c.name === name)?.type;
  const cursorType = typeOf(stream.cursorColumn);
  const createdType = typeOf(CREATED_COLUMN);
  const eventColumn =
    cursorType && DATED.has(cursorType) ? stream.cursorColumn : createdType && DATED.has(createdType) ? CREATED_COLUMN : null;
  const customerType = typeOf(CUSTOMER_COLUMN);
  return {
    ...(eventColumn ? { timePartitioning: { type: 'DAY', field: eventColumn } } : {}),
    ...(customerType && CLUSTERABLE.has(customerType) ? { clustering: { fields: [CUSTOMER_COLUMN] } } : {}),
  };
}

/** The table's columns with their stream types, read as planSchemaChanges expects them. */
export function existingColumns(metadata: TableMetadata): Map<string, string> {
  return new Map(
    metadata.schema.fields.map((field) => [field.name, field.mode === 'REPEATED' ? `REPEATED ${field.type}` : readColumnType(field.type)]),
  );
}
