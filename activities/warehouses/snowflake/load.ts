/**
 * One batch into Snowflake. The rows go to temporary tables first (DDL, which commits in
 * Snowflake); then one transaction applies deletions, merges by primary key, appends quarantined
 * rows and records the load in the ledger, so a batch lands entirely once or not at all.
 */
import type { LoadResult } from '../../../domain/cycle';
import type { StreamDefinition } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
import { LEDGER_TABLE, METADATA_COLUMNS, QUARANTINE_TABLE, deletionStatement, quoteLiteral, supersedes } from '../sql';
import type { LoadBatch } from '../types';
import { type JsonForm, ROW_COLUMN, jsonText, jsonValue, stageRows } from './batch';
import { identifier, tableName } from './names';
import type { SnowflakeSession } from './session';

type LoadCounts = Omit<LoadResult, 'loadId' | 'alreadyLoaded'>;

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
async function prepareClean(
  session: SnowflakeSession,
  stream: StreamDefinition,
  file: string,
  threshold: number,
): Promise<JsonForm> {
  const form = await stageRows(session, file, { table: BATCH, columns: stream.columns }, threshold);
  const key = identifier(stream.primaryKey);
  const { rows } = await session.execute(`SELECT COUNT(*) FROM ${identifier(BATCH)} WHERE ${key} IS NULL`);
  const missing = count(rows[0]?.[0]);
  if (missing > 0) {
    const rule = `${missing} rows of stream ${stream.name} have no ${stream.primaryKey}: the primary key must not be null`;
    throw new ConnectorError('data', rule);
  }
  const row = identifier(ROW_COLUMN);
  const latestFirst = `${identifier(stream.cursorColumn)} DESC NULLS LAST, ${row} DESC`;
  await session.execute(
    `DELETE FROM ${identifier(BATCH)} WHERE ${row} IN (
       SELECT ${row} FROM ${identifier(BATCH)}
       QUALIFY ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${latestFirst}) > 1)`,
  );
  return form;
}

/** Deletes the stored rows the batch's deletions supersede; a stale deletion leaves a newer row be. */
async function applyDeletions(session: SnowflakeSession, table: string, stream: StreamDefinition): Promise<number> {
  if (!stream.deletedColumn) return 0;
  const statement = deletionStatement(table, identifier(BATCH), stream, stream.deletedColumn, identifier);
  return (await session.execute(statement)).changed;
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
  const columns = [...stream.columns.map((c) => c.name), ...Object.values(meta)].map(identifier);
  const key = identifier(stream.primaryKey);
  const assignments = columns.filter((c) => c !== key).map((c) => `${c} = s.${c}`);
  const merged = await session.execute(
    [
      `MERGE INTO ${table} AS t USING (SELECT ${source.join(', ')} FROM ${identifier(BATCH)}${upserts}) AS s`,
      `ON t.${key} = s.${key}`,
      // A version older than the stored row is neither written nor counted.
      `WHEN MATCHED AND ${supersedes('s', 't', stream, identifier)} THEN UPDATE SET ${assignments.join(', ')}`,
      `WHEN NOT MATCHED THEN INSERT (${columns.join(', ')}) VALUES (${columns.map((c) => `s.${c}`).join(', ')})`,
    ].join('\n'),
    [batch.loadId, batch.source, batch.connectorId],
  );
  return merged.changed;
}

async function appendQuarantine(
  session: SnowflakeSession,
  schema: string,
  batch: LoadBatch,
  form: JsonForm,
): Promise<number> {
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
 * Inserts the ledger row unless another load of the same batch committed one meanwhile; false then.
 * MERGE locks the ledger, so of two concurrent loads of one batch only the first records it.
 */
async function recordLoad(
  session: SnowflakeSession,
  schema: string,
  batch: LoadBatch,
  counts: LoadCounts,
): Promise<boolean> {
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
  const already = (counts: LoadCounts): LoadResult => ({ loadId: batch.loadId, alreadyLoaded: true, ...counts });
  const recorded = await ledgerEntry(session, schema, batch.loadId);
  if (recorded) return already(recorded);

  // Temporary tables and stages live in the session's current schema.
  await session.execute(`USE SCHEMA ${identifier(schema)}`);
  const clean = batch.cleanFile ? await prepareClean(session, batch.stream, batch.cleanFile, stageThresholdRows) : null;
  const quarantineShape = { table: QUARANTINE_BATCH, columns: QUARANTINE_COLUMNS };
  const quarantine = batch.quarantineFile
    ? await stageRows(session, batch.quarantineFile, quarantineShape, stageThresholdRows)
    : null;

  await session.execute('BEGIN');
  try {
    const deleted = clean ? await applyDeletions(session, table, batch.stream) : 0;
    const merged = clean ? await mergeRows(session, table, batch, clean) : 0;
    const quarantined = quarantine ? await appendQuarantine(session, schema, batch, quarantine) : 0;
    const counts: LoadCounts = { merged, deleted, quarantined };
    if (!(await recordLoad(session, schema, batch, counts))) {
      await session.execute('ROLLBACK');
      return already((await ledgerEntry(session, schema, batch.loadId)) ?? counts);
    }
    await session.execute('COMMIT');
    return { loadId: batch.loadId, alreadyLoaded: false, ...counts };
  } catch (error) {
    await session.execute('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
