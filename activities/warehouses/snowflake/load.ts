/**
 * One batch into Snowflake. The rows go to temporary tables first (DDL, which commits in
 * Snowflake); then one transaction drops versions older than their key's tombstone, applies and
 * records deletions, merges by primary key, records the load in the ledger and, the first time only,
 * appends quarantined rows: a batch lands entirely or not at all. A batch the ledger holds already is
 * merged again (the cursor guard makes that change only what was changed since).
 */
import type { LoadResult } from '../../../domain/cycle';
import type { StreamDefinition } from '../../../domain/streams/types';
import { missingKeysError } from '../driver-errors';
import { DELETIONS_TABLE, LEDGER_TABLE, METADATA_COLUMNS, QUARANTINE_TABLE, mergeStatement, quoteLiteral } from '../sql';
import { applyDeletions, type TombstoneDialect } from '../tombstones';
import type { LoadBatch, LoadCounts } from '../types';
import { type JsonForm, ROW_COLUMN, jsonText, jsonValue, stageRows } from './batch';
import { COLUMN_TYPES, identifier, tableName } from './names';
import type { SnowflakeSession } from './connection';

const BATCH = '_ih_batch';
const QUARANTINE_BATCH = '_ih_quarantine_batch';
/** A quarantine file's lines: `{record, reasons}`. */
const QUARANTINE_COLUMNS = [
  { name: 'record', type: 'json' },
  { name: 'reasons', type: 'json' },
] as const;

export interface LoadTarget {
  schema: string;
  stageThresholdRows: number;
}

const count = (value: unknown): number => Number(value ?? 0);

/** What the ledger recorded for a load that already happened, so a retry reports the same figures. */
async function ledgerEntry(session: SnowflakeSession, schema: string, loadId: string): Promise<LoadCounts | null> {
  const { rows } = await session.execute(
    `SELECT "ROWS_MERGED", "ROWS_DELETED", "ROWS_QUARANTINED" FROM ${tableName(schema, LEDGER_TABLE)} WHERE "LOAD_ID" = ?`,
    [loadId],
  );
  const [row] = rows;
  return row ? { merged: count(row[0]), deleted: count(row[1]), quarantined: count(row[2]) } : null;
}

/** Checks the keys and keeps one row per key: the latest by cursor, then the last in the file. */
async function prepareClean(session: SnowflakeSession, stream: StreamDefinition, file: string, threshold: number): Promise<JsonForm> {
  const form = await stageRows(session, file, { table: BATCH, columns: stream.columns }, threshold);
  const key = identifier(stream.primaryKey);
  const { rows } = await session.execute(`SELECT COUNT(*) FROM ${identifier(BATCH)} WHERE ${key} IS NULL`);
  const missing = count(rows[0]?.[0]);
  if (missing > 0) throw missingKeysError(stream, missing);
  const row = identifier(ROW_COLUMN);
  const latestFirst = `${identifier(stream.cursorColumn)} DESC NULLS LAST, ${row} DESC`;
  await session.execute(
    `DELETE FROM ${identifier(BATCH)} WHERE ${row} IN (
       SELECT ${row} FROM ${identifier(BATCH)}
       QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${latestFirst}) > 1)`,
  );
  return form;
}

const TOMBSTONES: TombstoneDialect = {
  quote: identifier,
  text: COLUMN_TYPES.string,
  now: 'CURRENT_TIMESTAMP',
  connectorId: ':1',
  stream: ':2',
};

/** The batch's deletions applied and recorded (`applyDeletions`); how many rows they removed. */
async function removeDeleted(session: SnowflakeSession, schema: string, table: string, batch: LoadBatch): Promise<number> {
  const { deletedColumn } = batch.stream;
  if (!deletedColumn) return 0;
  const run = async (sql: string, binds?: string[]): Promise<number> => (await session.execute(sql, binds)).changed;
  const tables = { staged: identifier(BATCH), target: table, deletions: tableName(schema, DELETIONS_TABLE) };
  return applyDeletions(run, batch, deletedColumn, tables, TOMBSTONES);
}

async function mergeRows(session: SnowflakeSession, table: string, batch: LoadBatch, form: JsonForm): Promise<number> {
  const { stream } = batch;
  const values = stream.columns.map(({ name, type }) =>
    type === 'json' ? `${jsonValue(identifier(name), form)} AS ${identifier(name)}` : identifier(name),
  );
  const meta = METADATA_COLUMNS;
  const source = [
    ...values,
    `:1 AS ${identifier(meta.loadId)}`,
    `CURRENT_TIMESTAMP AS ${identifier(meta.loadedAt)}`,
    `:2 AS ${identifier(meta.source)}`,
    `:3 AS ${identifier(meta.connectorId)}`,
  ];
  const upserts = stream.deletedColumn ? ` WHERE ${identifier(stream.deletedColumn)} IS NOT TRUE` : '';
  // A version older than the stored row, or the one this load wrote already, is neither written nor counted.
  const merged = await session.execute(
    mergeStatement(table, `(SELECT ${source.join(', ')} FROM ${identifier(BATCH)}${upserts})`, stream, { quote: identifier }),
    [batch.loadId, batch.source, batch.connectorId],
  );
  return merged.changed;
}

async function appendQuarantine(session: SnowflakeSession, schema: string, batch: LoadBatch, form: JsonForm): Promise<number> {
  const record = identifier('record');
  const inserted = await session.execute(
    `INSERT INTO ${tableName(schema, QUARANTINE_TABLE)}
       ("LOAD_ID", "CONNECTOR_ID", "STREAM", "RECORD_KEY", "REASONS", "RECORD", "QUARANTINED_AT")
     SELECT ?, ?, ?, JSON_EXTRACT_PATH_TEXT(${jsonText(record, form)}, ${quoteLiteral(batch.stream.primaryKey)}),
       ${jsonValue(identifier('reasons'), form)}, ${jsonValue(record, form)}, CURRENT_TIMESTAMP
     FROM ${identifier(QUARANTINE_BATCH)}`,
    [batch.loadId, batch.connectorId, batch.stream.name],
  );
  return inserted.changed;
}

/**
 * Inserts the ledger row unless the ledger holds the load already (an earlier load, or a concurrent
 * one that committed meanwhile); false then. MERGE locks the ledger, so of two concurrent loads of
 * one batch only the first records it, and only that one goes on to append the quarantine.
 */
async function recordLoad(session: SnowflakeSession, schema: string, batch: LoadBatch, counts: LoadCounts): Promise<boolean> {
  const recorded = await session.execute(
    `MERGE INTO ${tableName(schema, LEDGER_TABLE)} AS l USING (SELECT ? AS "LOAD_ID") AS s ON l."LOAD_ID" = s."LOAD_ID"
     WHEN NOT MATCHED THEN INSERT
       ("LOAD_ID", "CONNECTOR_ID", "STREAM", "ROWS_MERGED", "ROWS_DELETED", "ROWS_QUARANTINED", "LOADED_AT")
       VALUES (s."LOAD_ID", ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)`,
    [batch.loadId, batch.connectorId, batch.stream.name, counts.merged, counts.deleted, counts.quarantined],
  );
  return recorded.changed > 0;
}

export async function loadBatch(session: SnowflakeSession, target: LoadTarget, batch: LoadBatch): Promise<LoadResult> {
  const { schema, stageThresholdRows } = target;
  const table = tableName(schema, batch.stream.table);

  // Temporary tables and stages live in the session's current schema.
  await session.execute(`USE SCHEMA ${identifier(schema)}`);
  const clean = batch.cleanFile ? await prepareClean(session, batch.stream, batch.cleanFile, stageThresholdRows) : null;
  const quarantineShape = { table: QUARANTINE_BATCH, columns: QUARANTINE_COLUMNS };
  const quarantine = batch.quarantineFile ? await stageRows(session, batch.quarantineFile, quarantineShape, stageThresholdRows) : null;
  // Counted before the ledger row is written, which must say it before the rows are appended.
  const quarantined = quarantine ? await stagedCount(session, QUARANTINE_BATCH) : 0;

  await session.execute('BEGIN');
  try {
    const deleted = clean ? await removeDeleted(session, schema, table, batch) : 0;
    const merged = clean ? await mergeRows(session, table, batch, clean) : 0;
    const counts: LoadCounts = { merged, deleted, quarantined };
    const first = await recordLoad(session, schema, batch, counts);
    if (first && quarantine) await appendQuarantine(session, schema, batch, quarantine);
    await session.execute('COMMIT');
    if (first) return { loadId: batch.loadId, alreadyLoaded: false, ...counts };
    return { loadId: batch.loadId, alreadyLoaded: true, ...((await ledgerEntry(session, schema, batch.loadId)) ?? counts) };
  } catch (error) {
    await session.execute('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function stagedCount(session: SnowflakeSession, table: string): Promise<number> {
  const { rows } = await session.execute(`SELECT COUNT(*) FROM ${identifier(table)}`);
  return count(rows[0]?.[0]);
}
