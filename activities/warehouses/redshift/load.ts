/**
 * A batch into Redshift. The rows go to staging tables of this attempt (COPY from S3, or parameter
 * INSERTs), then one BatchExecuteStatement — one transaction — dedupes them, drops versions that
 * would change nothing (older than the stored rows, or in place from this very load) or that a
 * recorded deletion outdates, applies and records deletions, MERGEs, appends the quarantine, writes
 * the ledger row and drops the staging tables. The ledger is locked first, so a concurrent load of
 * the same batch waits; a batch the ledger holds is merged again but appends nothing again.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { LoadResult } from '../../../domain/cycle';
import type { StreamDefinition } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
import {
  DELETIONS_TABLE,
  LEDGER_TABLE,
  METADATA_COLUMNS,
  QUARANTINE_TABLE,
  mergeStatement,
  qualifiedName,
  quoteIdentifier,
  replaces,
} from '../sql';
import { dropBuriedVersions, recordDeletions, type TombstoneDialect } from '../tombstones';
import type { LoadBatch, LoadCounts } from '../types';
import type { RedshiftConnection } from './connection';
import {
  QUARANTINE_STAGING_COLUMNS,
  ROW_POSITION_COLUMN,
  cleanRows,
  cleanStagingColumns,
  quarantineRows,
  type StagedRow,
  type StagingColumn,
} from './staged-rows';
import { copyRows } from './staging-copy';
import { insertRows } from './staging-insert';
import { COLUMN_TYPES, METADATA_DEFINITIONS, columnDefinition, physicalDesign } from './tables';

type LoadContext = Omit<RedshiftConnection, 'close'>;

async function ledgerEntry(context: LoadContext, loadId: string): Promise<LoadCounts | null> {
  const ledger = qualifiedName(context.schema, LEDGER_TABLE);
  const { records } = await context.api.select(
    `SELECT rows_merged, rows_deleted, rows_quarantined FROM ${ledger} WHERE load_id = :load_id`,
    { load_id: loadId },
    `read the ledger entry of ${loadId}`,
  );
  const [row] = records;
  if (!row) return null;
  const [merged, deleted, quarantined] = row.map((field) => Number(field.longValue ?? field.stringValue ?? 0));
  return { merged: merged ?? 0, deleted: deleted ?? 0, quarantined: quarantined ?? 0 };
}

interface StagingTables {
  readonly clean: string;
  readonly quarantine: string;
}

/** Named after the load and this attempt, so a retry never shares a staging table with a stale attempt. */
function stagingTables(schema: string, loadId: string): StagingTables {
  const load = createHash('sha256').update(loadId).digest('hex').slice(0, 12);
  const attempt = randomUUID().replaceAll('-', '').slice(0, 8);
  return {
    clean: qualifiedName(schema, `_ih_stage_${load}_${attempt}`),
    quarantine: qualifiedName(schema, `_ih_stageq_${load}_${attempt}`),
  };
}

/** The clean staging table also holds the metadata columns, so that it can be the MERGE's source. */
function createStagingTables(stream: StreamDefinition, tables: StagingTables): string[] {
  const clean = [
    ...cleanStagingColumns(stream).map(columnDefinition),
    ...METADATA_DEFINITIONS.map(([name, type]) => `${quoteIdentifier(name)} ${type}`),
  ];
  const quarantine = QUARANTINE_STAGING_COLUMNS.map(columnDefinition);
  return [
    `CREATE TABLE ${tables.clean} (${clean.join(', ')}) ${physicalDesign(stream)}`,
    `CREATE TABLE ${tables.quarantine} (${quarantine.join(', ')})`,
  ];
}

async function fill(
  context: LoadContext,
  table: string,
  columns: readonly StagingColumn[],
  rows: AsyncIterable<StagedRow>,
  objectKey: string,
): Promise<void> {
  if (context.s3) {
    await copyRows(
      context.api,
      context.s3,
      table,
      columns.map((c) => c.name),
      rows,
      objectKey,
    );
  } else {
    await insertRows(context.api, table, columns, rows, context.insertConcurrency);
  }
}

/** The names and clauses the merge transaction's statements share. */
interface MergeParts {
  readonly ledger: string;
  readonly deletionsTable: string;
  readonly target: string;
  readonly clean: string;
  readonly quarantine: string;
  readonly key: string;
  /** True once the ledger holds this load. */
  readonly loaded: string;
  /** load_id, connector_id, stream as typed values. */
  readonly identity: string;
  /** The deletion flag as a never-null condition on a row alias, and the keys it marks; null for streams without one. */
  readonly deletions: { readonly flag: (alias?: string) => string; readonly keys: string } | null;
}

function mergeParts(schema: string, stream: StreamDefinition, tables: StagingTables): MergeParts {
  const ledger = qualifiedName(schema, LEDGER_TABLE);
  const key = quoteIdentifier(stream.primaryKey);
  const text = (parameter: string, length: number): string => `CAST(:${parameter} AS VARCHAR(${length}))`;
  const { deletedColumn } = stream;
  const flag = deletedColumn
    ? (alias?: string): string => `COALESCE(${alias ? `${alias}.` : ''}${quoteIdentifier(deletedColumn)}, FALSE)`
    : null;
  return {
    ledger,
    deletionsTable: qualifiedName(schema, DELETIONS_TABLE),
    target: qualifiedName(schema, stream.table),
    ...tables,
    key,
    loaded: `EXISTS (SELECT 1 FROM ${ledger} WHERE load_id = :load_id)`,
    identity: `${text('load_id', 512)}, ${text('connector_id', 256)}, ${text('stream', 256)}`,
    deletions: flag ? { flag, keys: `SELECT ${key} FROM ${tables.clean} WHERE ${flag()}` } : null,
  };
}

/** The ledger row with the counts this load is about to make; none when the ledger already holds it. */
function ledgerInsert({ ledger, target, clean, quarantine, key, loaded, identity, deletions }: MergeParts): string {
  const merged = `SELECT COUNT(*) AS n FROM ${clean}${deletions ? ` WHERE NOT ${deletions.flag()}` : ''}`;
  const deleted = deletions ? `(SELECT COUNT(*) AS n FROM ${target} WHERE ${key} IN (${deletions.keys})) AS deleted,` : '';
  return `INSERT INTO ${ledger}
       (load_id, connector_id, stream, rows_merged, rows_deleted, rows_quarantined, loaded_at)
     SELECT ${identity}, merged.n, ${deletions ? 'deleted.n' : '0'}, quarantined.n, GETDATE()
     FROM (${merged}) AS merged, ${deleted} (SELECT COUNT(*) AS n FROM ${quarantine}) AS quarantined
     WHERE NOT ${loaded}`;
}

const TOMBSTONES: TombstoneDialect = {
  quote: quoteIdentifier,
  text: COLUMN_TYPES.string,
  now: 'GETDATE()',
  connectorId: `CAST(:connector_id AS ${COLUMN_TYPES.string})`,
  stream: `CAST(:stream AS ${COLUMN_TYPES.string})`,
};

/** The statements of the load's one transaction, and where the ledger insert is among them. */
function mergeTransaction(schema: string, stream: StreamDefinition, tables: StagingTables): { sqls: string[]; ledgerIndex: number } {
  const parts = mergeParts(schema, stream, tables);
  const { target, clean, quarantine, key, loaded, identity, deletions, deletionsTable } = parts;
  const position = quoteIdentifier(ROW_POSITION_COLUMN);
  const latestFirst = `${quoteIdentifier(stream.cursorColumn)} DESC NULLS LAST, ${position} DESC`;
  const meta = METADATA_COLUMNS;
  const before = [
    `LOCK ${parts.ledger}`,
    // A batch the ledger already holds (loaded before, or concurrently) appends no quarantine again.
    `DELETE FROM ${quarantine} WHERE ${loaded}`,
    // A key seen twice keeps its latest version: by cursor, then by position in the file.
    `DELETE FROM ${clean} WHERE ${position} IN (SELECT ${position} FROM (
       SELECT ${position}, ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${latestFirst}) AS version FROM ${clean}
     ) AS ranked WHERE version > 1)`,
    // A version older than the stored row, or in place from this very load, is neither merged nor, as
    // a deletion, applied. Redshift's MERGE takes no condition on WHEN MATCHED, so they go here, before
    // the ledger row counts the rest (the metadata columns are not stamped yet: the load id is bound).
    `DELETE FROM ${clean} WHERE ${position} IN (
       SELECT s.${position} FROM ${clean} AS s JOIN ${target} AS t ON t.${key} = s.${key}
       WHERE NOT ${replaces('s', 't', stream, { loadId: ':load_id' })})`,
    ...(deletions ? [dropBuriedVersions(clean, deletionsTable, stream, TOMBSTONES)] : []),
  ];
  const after = [
    ...(deletions
      ? [
          `DELETE FROM ${target} WHERE ${key} IN (${deletions.keys})`,
          recordDeletions(clean, deletionsTable, stream, deletions.flag, TOMBSTONES),
          `DELETE FROM ${clean} WHERE ${deletions.flag()}`,
        ]
      : []),
    `UPDATE ${clean} SET ${quoteIdentifier(meta.loadId)} = :load_id, ${quoteIdentifier(meta.loadedAt)} = GETDATE(),
       ${quoteIdentifier(meta.source)} = :source, ${quoteIdentifier(meta.connectorId)} = :connector_id`,
    mergeStatement(target, clean, stream, { staleVersionsRemoved: true }),
    `INSERT INTO ${qualifiedName(schema, QUARANTINE_TABLE)}
       (load_id, connector_id, stream, record_key, reasons, record, quarantined_at)
     SELECT ${identity}, record_key, reasons, record, GETDATE() FROM ${quarantine}`,
    `DROP TABLE ${clean}`,
    `DROP TABLE ${quarantine}`,
  ];
  return { sqls: [...before, ledgerInsert(parts), ...after], ledgerIndex: before.length };
}

export async function loadBatch(context: LoadContext, batch: LoadBatch): Promise<LoadResult> {
  const { api, schema } = context;
  const { stream, loadId } = batch;
  const tables = stagingTables(schema, loadId);
  await api.batch(createStagingTables(stream, tables), undefined, `create the staging tables of ${loadId}`);
  try {
    const objectFolder = `${stream.name}/${createHash('sha256').update(loadId).digest('hex')}/${randomUUID()}`;
    if (batch.cleanFile) {
      const rows = cleanRows(batch.cleanFile, stream);
      await fill(context, tables.clean, cleanStagingColumns(stream), rows, `${objectFolder}/clean.ndjson`);
    }
    if (batch.quarantineFile) {
      const rows = quarantineRows(batch.quarantineFile, stream);
      await fill(context, tables.quarantine, QUARANTINE_STAGING_COLUMNS, rows, `${objectFolder}/quarantine.ndjson`);
    }
    const { sqls, ledgerIndex } = mergeTransaction(schema, stream, tables);
    const parameters = { load_id: loadId, connector_id: batch.connectorId, stream: stream.name, source: batch.source };
    const affected = await api.batch(sqls, parameters, `merge batch ${loadId} into ${schema}.${stream.table}`);
    const entry = await ledgerEntry(context, loadId);
    if (!entry) throw new ConnectorError('system', `batch ${loadId} was merged but the ledger holds no entry for it`);
    return { loadId, alreadyLoaded: affected[ledgerIndex] === 0, ...entry };
  } catch (error) {
    // The merge transaction drops the staging tables itself; anything that failed before leaves them.
    const drop = `DROP TABLE IF EXISTS ${tables.clean}, ${tables.quarantine}`;
    await api.execute(drop, undefined, 'drop the staging tables').catch(() => undefined);
    throw error;
  }
}
