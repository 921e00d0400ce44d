/**
 * Load jobs: the uploaded NEWLINE_DELIMITED_JSON bytes read by DuckDB into the destination table
 * with its declared column types, honouring createDisposition and writeDisposition, atomically
 * (a bad row leaves the table as it was, as a failed BigQuery load job does).
 */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdentifier, quoteLiteral } from '../../activities/warehouses/sql';
import { columnDefinitions, type Catalog } from './catalog';
import { qualifiedTable, tableKey } from './engine';
import { BigQueryRequestError, firstLine } from './errors';
import type { LoadConfiguration } from './wire';

export interface LoadOutcome {
  outputRows: number;
}

/** Why a load failed, in the two layers BigQuery reports: the job's errorResult and its errors[]. */
export class LoadFailure extends Error {
  constructor(
    readonly errorResult: BigQueryRequestError,
    readonly details: readonly BigQueryRequestError[],
  ) {
    super(errorResult.message);
  }
}

export async function runLoad(
  catalog: Catalog,
  scratchDir: string,
  projectId: string,
  config: LoadConfiguration,
  bytes: Buffer,
): Promise<LoadOutcome> {
  if (config.sourceFormat !== 'NEWLINE_DELIMITED_JSON') {
    throw new BigQueryRequestError('invalid', `The simulator loads NEWLINE_DELIMITED_JSON only, not ${config.sourceFormat}`);
  }
  const file = path.join(scratchDir, `${randomUUID()}.ndjson`);
  await writeFile(file, bytes);
  try {
    const { destinationTable: target } = config;
    return await catalog.engine.exclusive(target.projectId, null, (c) => loadFile(catalog, c, config, file, bytes.length));
  } finally {
    await rm(file, { force: true });
  }
}

async function loadFile(
  catalog: Catalog,
  c: DuckDBConnection,
  config: LoadConfiguration,
  file: string,
  size: number,
): Promise<LoadOutcome> {
  const { projectId, datasetId, tableId } = config.destinationTable;
  const key = tableKey(projectId, datasetId, tableId);
  const table = qualifiedTable(projectId, datasetId, tableId);
  await catalog.engine.requireDataset(c, projectId, datasetId);
  const existing = await catalog.engine.columns(c, projectId, datasetId, tableId);
  if (!existing && config.createDisposition === 'CREATE_NEVER') throw BigQueryRequestError.notFound(`Table ${key}`);
  const fields = config.schema?.fields;
  if (!existing && !fields) throw new BigQueryRequestError('invalid', `No schema specified on job or table ${key}`);
  if (existing && config.writeDisposition === 'WRITE_EMPTY') {
    const rows = await c.runAndReadAll(`SELECT count(*) FROM ${table}`);
    if (Number(rows.getRowsJS()[0]?.[0]) > 0) throw new BigQueryRequestError('duplicate', `Already Exists: Table ${key}`);
  }
  await c.run('BEGIN TRANSACTION');
  try {
    const replacing = fields && (!existing || config.writeDisposition === 'WRITE_TRUNCATE');
    if (replacing) {
      catalog.validateLayout(fields, config, key);
      await c.run(`CREATE OR REPLACE TABLE ${table} (${columnDefinitions(fields)})`);
    } else if (config.writeDisposition === 'WRITE_TRUNCATE') {
      await c.run(`DELETE FROM ${table}`);
    }
    const columns = (await catalog.engine.columns(c, projectId, datasetId, tableId)) ?? [];
    if (!config.ignoreUnknownValues && size > 0)
      await rejectUnknownFields(
        c,
        file,
        columns.map((col) => col.name),
      );
    const names = columns.map((column) => quoteIdentifier(column.name)).join(', ');
    const struct = columns.map((column) => `${quoteLiteral(column.name)}: ${quoteLiteral(column.duckdbType)}`).join(', ');
    const outputRows =
      size === 0
        ? 0
        : (
            await c.run(
              `INSERT INTO ${table} (${names}) SELECT ${names} FROM read_json($1, format = 'newline_delimited', columns = {${struct}})`,
              [file],
            )
          ).rowsChanged;
    await c.run('COMMIT');
    if (replacing) catalog.recordExtras(projectId, datasetId, tableId, config);
    return { outputRows };
  } catch (error) {
    await c.run('ROLLBACK');
    throw asLoadError(error, file);
  }
}

/** BigQuery rejects a JSON field its schema lacks unless ignoreUnknownValues is set. */
async function rejectUnknownFields(c: DuckDBConnection, file: string, known: readonly string[]): Promise<void> {
  const keys = await c.runAndReadAll(`SELECT DISTINCT unnest(json_keys(json)) FROM read_json_objects($1, format = 'newline_delimited')`, [
    file,
  ]);
  const lower = new Set(known.map((name) => name.toLowerCase()));
  const unknown = keys
    .getRowsJS()
    .map(([name]) => String(name))
    .find((name) => !lower.has(name.toLowerCase()));
  if (unknown !== undefined) throw readingFailure(`JSON parsing error: No such field: ${unknown}.`);
}

/** A failed read as BigQuery reports it: a summary errorResult, and the detail in errors[]. */
function readingFailure(detail: string): LoadFailure {
  const summary = new BigQueryRequestError(
    'invalid',
    'Error while reading data, error message: JSON table encountered too many errors, giving up. Please look into the errors[] collection for more details.',
  );
  return new LoadFailure(summary, [summary, new BigQueryRequestError('invalid', `Error while reading data, error message: ${detail}`)]);
}

/** DuckDB's complaint about the file (in its own words, which may quote the value) as a reading failure. */
function asLoadError(error: unknown, file: string): unknown {
  if (error instanceof BigQueryRequestError || error instanceof LoadFailure) return error;
  return readingFailure(firstLine(error).replaceAll(file, 'the uploaded file'));
}
