/**
 * A batch into Redshift. The rows go to staging tables of this attempt (COPY from S3, or parameter
 * INSERTs), then one BatchExecuteStatement — one transaction — dedupes them, applies deletions,
 * MERGEs, appends the quarantine, writes the ledger row and drops the staging tables. The ledger is
 * locked first, so a concurrent load of the same batch waits and then finds it loaded.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { LoadResult } from '../../../domain/cycle';
import type { StreamDefinition } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
import { LEDGER_TABLE, METADATA_COLUMNS, QUARANTINE_TABLE, mergeStatement, qualifiedName, quoteIdentifier } from '../sql';
import type { LoadBatch } from '../types';
import type { DataApi } from './data-api';
import { ROW_POSITION_COLUMN, cleanRows, quarantineRows, type StagedRow } from './staged-rows';
import { copyRows, type S3Staging } from './staging-copy';
import { insertRows, type StagingColumn } from './staging-insert';
import { METADATA_DEFINITIONS, columnDefinition, physicalDesign } from './tables';

export interface LoadContext {
  readonly api: DataApi;
  readonly schema: string;
  /** S3 staging when configured: COPY; otherwise INSERT with bound values. */
  readonly s3: S3Staging | null;
  readonly insertConcurrency: number;
}

type LoadCounts = Omit<LoadResult, 'loadId' | 'alreadyLoaded'>;

async function ledgerEntry(context: LoadContext, loadId: string): Promise<LoadCounts | null> {
  const { records } = await context.api.select(
    `SELECT rows_merged, rows_deleted, rows_quarantined FROM ${qualifiedName(context.schema, LEDGER_TABLE)} WHERE load_id = :load_id`,
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

function createStagingTables(stream: StreamDefinition, tables: StagingTables): string[] {
  const clean = [
    ...stream.columns.map(columnDefinition),
    `${quoteIdentifier(ROW_POSITION_COLUMN)} BIGINT`,
    ...METADATA_DEFINITIONS.map(([name, type]) => `${quoteIdentifier(name)} ${type}`),
  ];
  return [
    `CREATE TABLE ${tables.clean} (${clean.join(', ')}) ${physicalDesign(stream)}`,
    `CREATE TABLE ${tables.quarantine} (record_key VARCHAR(65535), reasons SUPER, record SUPER)`,
  ];
}

const CLEAN_STAGING = (stream: StreamDefinition): StagingColumn[] => [
  ...stream.columns,
  { name: ROW_POSITION_COLUMN, type: 'integer' },
];
const QUARANTINE_STAGING: readonly StagingColumn[] = [
  { name: 'record_key', type: 'string' },
  { name: 'reasons', type: 'json' },
  { name: 'record', type: 'json' },
];

async function fill(
  context: LoadContext,
  table: string,
  columns: readonly StagingColumn[],
  rows: AsyncIterable<StagedRow>,
  objectKey: string,
): Promise<void> {
  if (context.s3) {
    await copyRows(context.api, context.s3, table, columns.map((c) => c.name), rows, objectKey);
  } else {
    await insertRows(context.api, table, columns, rows, context.insertConcurrency);
  }
}

/** The statements of the load's one transaction, and where the ledger insert is among them. */
function mergeTransaction(schema: string, stream: StreamDefinition, tables: StagingTables): { sqls: string[]; ledgerIndex: number } {
  const ledger = qualifiedName(schema, LEDGER_TABLE);
  const target = qualifiedName(schema, stream.table);
  const { clean, quarantine } = tables;
  const key = quoteIdentifier(stream.primaryKey);
  const loaded = `EXISTS (SELECT 1 FROM ${ledger} WHERE load_id = :load_id)`;
  const deletedFlag = stream.deletedColumn ? `COALESCE(${quoteIdentifier(stream.deletedColumn)}, FALSE)` : null;
  const deletedKeys = `SELECT ${key} FROM ${clean} WHERE ${deletedFlag}`;
  const position = quoteIdentifier(ROW_POSITION_COLUMN);
  const latestFirst = `${quoteIdentifier(stream.cursorColumn)} DESC NULLS LAST, ${position} DESC`;
  const meta = METADATA_COLUMNS;
  const text = (parameter: string, length: number): string => `CAST(:${parameter} AS VARCHAR(${length}))`;

  const before = [
    `LOCK ${ledger}`,
    // A batch the ledger already holds (loaded concurrently) leaves nothing to merge.
    `DELETE FROM ${clean} WHERE ${loaded}`,
    `DELETE FROM ${quarantine} WHERE ${loaded}`,
    // A key seen twice keeps its latest version: by cursor, then by position in the file.
    `DELETE FROM ${clean} WHERE ${position} IN (SELECT ${position} FROM (
       SELECT ${position}, ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${latestFirst}) AS version FROM ${clean}
     ) AS ranked WHERE version > 1)`,
  ];
  const ledgerInsert = `INSERT INTO ${ledger} (load_id, connector_id, stream, rows_merged, rows_deleted, rows_quarantined, loaded_at)
     SELECT ${text('load_id', 512)}, ${text('connector_id', 256)}, ${text('stream', 256)}, merged.n, ${deletedFlag ? 'deleted.n' : '0'}, quarantined.n, GETDATE()
     FROM (SELECT COUNT(*) AS n FROM ${clean}${deletedFlag ? ` WHERE NOT ${deletedFlag}` : ''}) AS merged,
          ${deletedFlag ? `(SELECT COUNT(*) AS n FROM ${target} WHERE ${key} IN (${deletedKeys})) AS deleted,` : ''}
          (SELECT COUNT(*) AS n FROM ${quarantine}) AS quarantined
     WHERE NOT ${loaded}`;
  const after = [
    ...(deletedFlag ? [`DELETE FROM ${target} WHERE ${key} IN (${deletedKeys})`, `DELETE FROM ${clean} WHERE ${deletedFlag}`] : []),
    `UPDATE ${clean} SET ${quoteIdentifier(meta.loadId)} = :load_id, ${quoteIdentifier(meta.loadedAt)} = GETDATE(),
       ${quoteIdentifier(meta.source)} = :source, ${quoteIdentifier(meta.connectorId)} = :connector_id`,
    mergeStatement(target, clean, stream),
    `INSERT INTO ${qualifiedName(schema, QUARANTINE_TABLE)}
       (load_id, connector_id, stream, record_key, reasons, record, quarantined_at)
     SELECT ${text('load_id', 512)}, ${text('connector_id', 256)}, ${text('stream', 256)}, record_key, reasons, record, GETDATE()
     FROM ${quarantine}`,
    `DROP TABLE ${clean}`,
    `DROP TABLE ${quarantine}`,
  ];
  return { sqls: [...before, ledgerInsert, ...after], ledgerIndex: before.length };
}

export async function loadBatch(context: LoadContext, batch: LoadBatch): Promise<LoadResult> {
  const { api, schema } = context;
  const { stream, loadId } = batch;
  const recorded = await ledgerEntry(context, loadId);
  if (recorded) return { loadId, alreadyLoaded: true, ...recorded };

  const tables = stagingTables(schema, loadId);
  await api.batch(createStagingTables(stream, tables), undefined, `create the staging tables of ${loadId}`);
  try {
    const objectFolder = `${stream.name}/${createHash('sha256').update(loadId).digest('hex')}/${randomUUID()}`;
    if (batch.cleanFile) {
      await fill(context, tables.clean, CLEAN_STAGING(stream), cleanRows(batch.cleanFile, stream), `${objectFolder}/clean.ndjson`);
    }
    if (batch.quarantineFile) {
      const rows = quarantineRows(batch.quarantineFile, stream);
      await fill(context, tables.quarantine, QUARANTINE_STAGING, rows, `${objectFolder}/quarantine.ndjson`);
    }
    const { sqls, ledgerIndex } = mergeTransaction(schema, stream, tables);
    const parameters = { load_id: loadId, connector_id: batch.connectorId, stream: stream.name, source: batch.source };
    const affected = await api.batch(sqls, parameters, `merge batch ${loadId} into ${schema}.${stream.table}`);
    const entry = await ledgerEntry(context, loadId);
    if (!entry) throw new ConnectorError('system', `batch ${loadId} was merged but the ledger holds no entry for it`);
    return { loadId, alreadyLoaded: affected[ledgerIndex] === 0, ...entry };
  } catch (error) {
    // The merge transaction drops the staging tables itself; anything that failed before leaves them.
    await api.execute(`DROP TABLE IF EXISTS ${tables.clean}, ${tables.quarantine}`, undefined, 'drop staging tables').catch(() => undefined);
    throw error;
  }
}
