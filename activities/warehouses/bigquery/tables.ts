/**
 * The dataset, the ledger, the quarantine, the tombstones and each stream table over the REST API: created with
 * their layout when missing; a stream table evolved by a metadata patch (new columns) and the
 * safe widenings, each done the way BigQuery allows it.
 */
import type { ColumnType, StreamColumn, StreamDefinition } from '../../../domain/streams/types';
import { planSchemaChanges } from '../evolution';
import { DELETIONS_TABLE, LEDGER_TABLE, QUARANTINE_TABLE } from '../sql';
import type { SchemaChange } from '../types';
import { hasStatus, runSql, type Session } from './connection';
import { asConnectorError } from './errors';
import {
  COLUMN_TYPES,
  DELETIONS_FIELDS,
  DELETIONS_LAYOUT,
  LEDGER_FIELDS,
  QUARANTINE_FIELDS,
  existingColumns,
  tableFields,
  tableLayout,
  tableMetadataSchema,
  SQL_TYPES,
  type Field,
  type TableMetadata,
  type TableOptions,
} from './schema';
import { quoted, setDataType, tablePath } from './statements';

/** The table's metadata, or null when it does not exist. */
export async function readTable(session: Session, table: string): Promise<TableMetadata | null> {
  try {
    const [metadata] = await session.dataset.table(table).getMetadata();
    return tableMetadataSchema.parse(metadata);
  } catch (error) {
    if (hasStatus(error, 404)) return null;
    throw asConnectorError(error, `reading table ${table}`);
  }
}

export async function createTable(session: Session, table: string, fields: readonly Field[], options: TableOptions = {}): Promise<void> {
  try {
    await session.dataset.createTable(table, { schema: { fields: [...fields] }, ...options });
  } catch (error) {
    // Made meanwhile by a concurrent worker: the same definition, nothing to do.
    if (hasStatus(error, 409)) return;
    throw asConnectorError(error, `creating table ${table}`);
  }
}

/** The dataset and the bookkeeping tables every stream shares. */
export async function ensureBookkeeping(session: Session): Promise<void> {
  try {
    await session.dataset.get({ autoCreate: true });
  } catch (error) {
    if (!hasStatus(error, 409)) throw asConnectorError(error, `creating dataset ${session.datasetId}`);
  }
  if (!(await readTable(session, LEDGER_TABLE))) await createTable(session, LEDGER_TABLE, LEDGER_FIELDS);
  if (!(await readTable(session, QUARANTINE_TABLE))) {
    await createTable(session, QUARANTINE_TABLE, QUARANTINE_FIELDS, {
      timePartitioning: { type: 'DAY', field: 'quarantined_at' },
    });
  }
  if (!(await readTable(session, DELETIONS_TABLE))) await createTable(session, DELETIONS_TABLE, DELETIONS_FIELDS, DELETIONS_LAYOUT);
}

/** ensureBookkeeping for one connection: checked on first use, and again only after a failure. */
export function bookkeepingOnce(session: Session): () => Promise<void> {
  let checked: Promise<void> | null = null;
  return () =>
    (checked ??= ensureBookkeeping(session).catch((error: unknown) => {
      checked = null;
      throw error;
    }));
}

/** What ensureStreamTable would apply or report, read without changing anything. */
export async function describeSchemaChanges(session: Session, stream: StreamDefinition): Promise<SchemaChange[]> {
  const current = await readTable(session, stream.table);
  return current ? planSchemaChanges(stream, existingColumns(current)).changes : [];
}

export async function ensureStreamTable(session: Session, stream: StreamDefinition): Promise<SchemaChange[]> {
  const current = await readTable(session, stream.table);
  if (!current) {
    await createTable(session, stream.table, tableFields(stream), tableLayout(stream));
    return [];
  }
  const plan = planSchemaChanges(stream, existingColumns(current));
  if (plan.add.length > 0) await addColumns(session, stream.table, current, plan.add);
  if (plan.widen.length > 0) await widen(session, stream, current, plan.widen);
  return plan.changes;
}

/** tables.patch with the whole schema plus the new NULLABLE fields: BigQuery's way to add columns. */
async function addColumns(session: Session, table: string, current: TableMetadata, columns: readonly StreamColumn[]) {
  const added = columns.map((column): Field => ({ name: column.name, type: COLUMN_TYPES[column.type], mode: 'NULLABLE' }));
  try {
    await session.dataset.table(table).setMetadata({ schema: { fields: [...current.schema.fields, ...added] } });
  } catch (error) {
    throw asConnectorError(error, `adding columns ${columns.map((c) => c.name).join(', ')} to ${table}`);
  }
}

/**
 * INT64 coerces to FLOAT64, so that widening is a metadata change (ALTER COLUMN SET DATA TYPE).
 * DATE does not coerce to TIMESTAMP: the table is rewritten with the column cast (midnight UTC),
 * keeping its partitioning and clustering, as BigQuery documents for other type changes.
 */
const WIDENING_METHODS: Readonly<Partial<Record<ColumnType, 'set-data-type' | 'rewrite'>>> = {
  number: 'set-data-type',
  timestamp: 'rewrite',
};

async function widen(session: Session, stream: StreamDefinition, current: TableMetadata, columns: readonly StreamColumn[]) {
  const target = tablePath(session.projectId, session.datasetId, stream.table);
  const inPlace = columns.filter((column) => WIDENING_METHODS[column.type] === 'set-data-type');
  const rewritten = columns.filter((column) => WIDENING_METHODS[column.type] === 'rewrite');
  const statements = inPlace.map((column) => setDataType(target, column.name, column.type));
  if (rewritten.length > 0) statements.push(rewriteStatement(target, stream, current, rewritten));
  await runSql(session, { sql: statements.join(';\n') }, `widening ${columns.map((c) => c.name).join(', ')} in ${stream.table}`);
}

function rewriteStatement(target: string, stream: StreamDefinition, current: TableMetadata, columns: readonly StreamColumn[]): string {
  const casts = columns.map((column) => `CAST(${quoted(column.name)} AS ${SQL_TYPES[column.type]}) AS ${quoted(column.name)}`);
  return `CREATE OR REPLACE TABLE ${target}${layoutClauses(stream, current)}
    AS SELECT * REPLACE (${casts.join(', ')}) FROM ${target}`;
}

/** The table's current partitioning and clustering as DDL: a replacement must declare the same. */
function layoutClauses(stream: StreamDefinition, current: TableMetadata): string {
  const { timePartitioning, clustering } = current;
  const field = timePartitioning?.field;
  let partition = '';
  if (timePartitioning && field) {
    const isDate = stream.columns.find((column) => column.name === field)?.type === 'date';
    const unit = timePartitioning.type;
    if (unit === 'DAY') partition = isDate ? quoted(field) : `DATE(${quoted(field)})`;
    else partition = `${isDate ? 'DATE' : 'TIMESTAMP'}_TRUNC(${quoted(field)}, ${unit})`;
  }
  return [partition ? ` PARTITION BY ${partition}` : '', clustering ? ` CLUSTER BY ${clustering.fields.map(quoted).join(', ')}` : ''].join(
    '',
  );
}
