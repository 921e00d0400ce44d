/**
 * A batch load: DuckDB reads the staged NDJSON files itself (no rows pass through JavaScript) and
 * merges them in one transaction with their ledger row. A batch the ledger holds already is merged
 * again (the cursor guard makes that change only what was changed since) but appends nothing again.
 */
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadResult } from '../../../domain/cycle';
import { ConnectorError } from '../../errors';
import { DATA_HINT, maskQuoted, missingKeysError } from '../driver-errors';
import {
  DELETIONS_TABLE,
  LEDGER_TABLE,
  METADATA_COLUMNS,
  QUARANTINE_TABLE,
  mergeStatement,
  qualifiedName,
  quoteIdentifier,
  quoteLiteral,
} from '../sql';
import { applyDeletions, type TombstoneDialect } from '../tombstones';
import { loadUnderLedger } from '../ledger';
import type { LoadBatch, LoadCounts } from '../types';
import { firstLine } from './connection';
import { COLUMN_TYPES, streamColumns, type TypedColumn } from './tables';

export async function loadBatch(connection: DuckDBConnection, schema: string, batch: LoadBatch): Promise<LoadResult> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await loadUnderLedger(qualifiedName(schema, LEDGER_TABLE), batch, {
      rows: async (sql, values) => (await connection.runAndReadAll(sql, [...values])).getRowsJS(),
      mergeClean: (file) => mergeClean(connection, schema, batch, file),
      appendQuarantine: (file) => appendQuarantine(connection, schema, batch, file),
    });
    await connection.run('COMMIT');
    return result;
  } catch (error) {
    // Closing the connection rolls back too; an explicit rollback just frees the work sooner.
    await connection.run('ROLLBACK').catch(() => undefined);
    throw asDataError(error, batch);
  }
}

const BATCH_TABLE = quoteIdentifier('_ih_batch');

/**
 * read_json over the file bound to $1, every column typed explicitly: a column null throughout a batch
 * keeps its type, and keys outside the list are ignored.
 */
function readNdjson(columns: readonly TypedColumn[]): string {
  const struct = columns.map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`);
  return `read_json($1, format = 'newline_delimited', columns = {${struct.join(', ')}})`;
}

async function mergeClean(
  connection: DuckDBConnection,
  schema: string,
  batch: LoadBatch,
  file: string,
): Promise<Omit<LoadCounts, 'quarantined'>> {
  const { stream } = batch;
  const key = quoteIdentifier(stream.primaryKey);
  const meta = METADATA_COLUMNS;
  await connection.run(
    `CREATE TEMP TABLE ${BATCH_TABLE} AS
     SELECT ${stream.columns.map((c) => quoteIdentifier(c.name)).join(', ')},
       $2 AS ${quoteIdentifier(meta.loadId)}, now() AS ${quoteIdentifier(meta.loadedAt)},
       $3 AS ${quoteIdentifier(meta.source)}, $4 AS ${quoteIdentifier(meta.connectorId)}
     FROM ${readNdjson(streamColumns(stream))}`,
    [file, batch.loadId, batch.source, batch.connectorId],
  );
  const keyless = await connection.runAndReadAll(`SELECT count(*) FROM ${BATCH_TABLE} WHERE ${key} IS NULL`);
  const missingKeys = Number(keyless.getRowsJS()[0]?.[0] ?? 0);
  if (missingKeys > 0) throw missingKeysError(stream, missingKeys);
  // A key seen twice in one batch keeps its latest version (by cursor, then by position in the file).
  const latestFirst = `${quoteIdentifier(stream.cursorColumn)} DESC NULLS LAST, rowid DESC`;
  await connection.run(
    `DELETE FROM ${BATCH_TABLE} WHERE rowid IN (SELECT rowid FROM ${BATCH_TABLE}
       QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY ${latestFirst}) > 1)`,
  );
  const table = qualifiedName(schema, stream.table);
  const { deletedColumn } = stream;
  const run = async (sql: string, binds?: string[]): Promise<number> => (await connection.run(sql, binds)).rowsChanged;
  const tables = { staged: BATCH_TABLE, target: table, deletions: qualifiedName(schema, DELETIONS_TABLE) };
  const deleted = deletedColumn ? await applyDeletions(run, batch, deletedColumn, tables, TOMBSTONES) : 0;
  const upserts = deletedColumn ? `(SELECT * FROM ${BATCH_TABLE} WHERE ${quoteIdentifier(deletedColumn)} IS NOT TRUE)` : BATCH_TABLE;
  // Skips versions older than the stored row, and rows this load wrote already: its count is the rows really written.
  const merged = (await connection.run(mergeStatement(table, upserts, stream))).rowsChanged;
  return { merged, deleted };
}

const TOMBSTONES: TombstoneDialect = {
  quote: quoteIdentifier,
  text: COLUMN_TYPES.string,
  now: 'now()',
  connectorId: 'CAST($1 AS VARCHAR)',
  stream: 'CAST($2 AS VARCHAR)',
};

async function appendQuarantine(connection: DuckDBConnection, schema: string, batch: LoadBatch, file: string): Promise<number> {
  const lines = readNdjson([
    ['record', 'JSON'],
    ['reasons', 'VARCHAR[]'],
  ]);
  const inserted = await connection.run(
    `INSERT INTO ${qualifiedName(schema, QUARANTINE_TABLE)}
     SELECT $2, $3, $4, record ->> $5, reasons, record, now() FROM ${lines}`,
    [file, batch.loadId, batch.connectorId, batch.stream.name, batch.stream.primaryKey],
  );
  return inserted.rowsChanged;
}

/** DuckDB's own message names the offending value, which may be personal data: keep only its shape. */
function asDataError(error: unknown, batch: LoadBatch): unknown {
  const message = firstLine(error);
  if (!/^(Invalid Input|Conversion) Error/.test(message)) return error;
  const files = [batch.cleanFile, batch.quarantineFile].filter((f) => f !== null).map((f) => path.basename(f));
  const shape = maskQuoted(message, '"…"');
  return new ConnectorError(
    'data',
    `batch ${batch.loadId} (${files.join(', ')}) does not match stream ${batch.stream.name}: ${shape}`,
    DATA_HINT,
  );
}
