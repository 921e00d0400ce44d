/**
 * Reading a staged NDJSON batch for Redshift: each line parsed and checked (a JSON object, with its
 * primary key), numbered by position so a key seen twice keeps its latest version, and shaped as
 * the staging table's columns. Errors name the file and line, never the content.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { StreamDefinition } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';

/** The column numbering rows of the clean batch in file order. */
export const ROW_POSITION_COLUMN = '_ih_row';

/** One row for a staging table: its values in the table's column order. */
export type StagedRow = readonly unknown[];

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
    if (!isRecord(value)) throw new ConnectorError('data', `line ${line} of the staged file ${path.basename(file)} is not a JSON object`);
    yield { line, value };
  }
}

/** The clean staging table's columns: the stream's, then the row's position. */
export const cleanColumns = (stream: StreamDefinition): string[] => [...stream.columns.map((c) => c.name), ROW_POSITION_COLUMN];

/** Clean rows as `cleanColumns` values; a row without its primary key fails the batch once all are counted. */
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
  if (keyless > 0) {
    throw new ConnectorError('data', `${keyless} rows of stream ${stream.name} have no ${stream.primaryKey}: the primary key must not be null`);
  }
}

/** The quarantine staging table's columns. */
export const QUARANTINE_COLUMNS = ['record_key', 'reasons', 'record'] as const;

/** Quarantined lines `{record, reasons}` as `QUARANTINE_COLUMNS` values. */
export async function* quarantineRows(file: string, stream: StreamDefinition): AsyncGenerator<StagedRow> {
  for await (const { line, value } of objects(file)) {
    const { record, reasons } = value;
    if (!isRecord(record) || !Array.isArray(reasons)) {
      throw new ConnectorError('data', `line ${line} of the quarantine file ${path.basename(file)} needs a record object and a reasons array`);
    }
    const key = record[stream.primaryKey];
    yield [key === null || key === undefined ? null : String(key), reasons, record];
  }
}
