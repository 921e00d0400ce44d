/**
 * Reading a staged NDJSON batch for Redshift: each line parsed and checked (a JSON object, with its
 * primary key), numbered by position so a key seen twice keeps its latest version, and shaped as
 * the staging table's columns. Errors name the file and line, never the content.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ColumnType, StreamDefinition } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
import { missingKeysError } from '../driver-errors';

/** The column numbering rows of the clean batch in file order. */
export const ROW_POSITION_COLUMN = '_ih_row';

/** One row for a staging table: its values in the order of the table's StagingColumns. */
export type StagedRow = readonly unknown[];

/** A staging table column and the stream type its values are read as. */
export interface StagingColumn {
  readonly name: string;
  readonly type: ColumnType;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function* objects(file: string): AsyncGenerator<{ line: number; value: Record<string, unknown> }> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ConnectorError('data', `line ${line} of the staged file ${path.basename(file)} is not valid JSON`);
    }
    if (!isRecord(value)) {
      throw new ConnectorError('data', `line ${line} of the staged file ${path.basename(file)} is not a JSON object`);
    }
    yield { line, value };
  }
}

/** The clean staging table's columns: the stream's, then the row's position. */
export const cleanStagingColumns = (stream: StreamDefinition): StagingColumn[] => [
  ...stream.columns,
  { name: ROW_POSITION_COLUMN, type: 'integer' },
];

/** Clean rows as `cleanStagingColumns` values; rows without their primary key fail the batch once all are counted. */
export async function* cleanRows(file: string, stream: StreamDefinition): AsyncGenerator<StagedRow> {
  let keyless = 0;
  for await (const { line, value } of objects(file)) {
    const key = value[stream.primaryKey];
    if (key === null || key === undefined) {
      keyless += 1;
      continue;
    }
    yield [...stream.columns.map((column) => value[column.name] ?? null), line];
  }
  if (keyless > 0) throw missingKeysError(stream, keyless);
}

/** The quarantine staging table's columns. */
export const QUARANTINE_STAGING_COLUMNS: readonly StagingColumn[] = [
  { name: 'record_key', type: 'string' },
  { name: 'reasons', type: 'json' },
  { name: 'record', type: 'json' },
];

/** Quarantined lines `{record, reasons}` as `QUARANTINE_STAGING_COLUMNS` values. */
export async function* quarantineRows(file: string, stream: StreamDefinition): AsyncGenerator<StagedRow> {
  for await (const { line, value } of objects(file)) {
    const { record, reasons } = value;
    if (!isRecord(record) || !Array.isArray(reasons)) {
      const where = `line ${line} of the quarantine file ${path.basename(file)}`;
      throw new ConnectorError('data', `${where} needs a record object and a reasons array`);
    }
    const key = record[stream.primaryKey];
    yield [key === null || key === undefined ? null : String(key), reasons, record];
  }
}
