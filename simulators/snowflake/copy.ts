/**
 * COPY INTO <table> FROM @<stage> FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = ...: every
 * staged NDJSON file (gzipped or not) read by DuckDB, each JSON key matched to a table column by
 * name and cast to the column's type; keys with no column are ignored, columns with no key are null.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { compilationError } from './errors';
import { countResult, textColumn, type ResultSet } from './results';
import type { CopyRequest } from './stages';

const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** What METADATA$ fields become, over the scan below (one JSON object per row, with its file). */
const METADATA_FIELDS: Readonly<Record<string, string>> = {
  METADATA$FILE_ROW_NUMBER: '__row',
  METADATA$FILENAME: `regexp_extract(filename, '[^/]+$')`,
};

interface Column {
  name: string;
  type: string;
}

async function tableColumns(connection: DuckDBConnection, table: string): Promise<Column[]> {
  const described = await connection.runAndReadAll(`DESCRIBE ${table}`);
  return described.getRowsJS().map(([name, type]) => ({ name: String(name), type: String(type) }));
}

async function jsonKeys(connection: DuckDBConnection, source: string): Promise<string[]> {
  const keys = await connection.runAndReadAll(`SELECT DISTINCT unnest(json_keys(json)) FROM ${source}`);
  return keys.getRowsJS().map(([key]) => String(key));
}

function columnExpression(column: Column, keys: readonly string[], request: CopyRequest): string {
  const field = [...request.metadata].find(([target]) => sameColumn(target, column.name))?.[1];
  if (field !== undefined) {
    const expression = METADATA_FIELDS[field];
    if (!expression) throw compilationError(`the simulator does not provide ${field}`);
    return expression;
  }
  // Case-insensitive matching is per row: {"id": ...} and {"ID": ...} both fill column ID.
  const matching = keys.filter((k) =>
    request.matchByColumnName === 'CASE_SENSITIVE' ? k === column.name : k.toLowerCase() === column.name.toLowerCase(),
  );
  if (matching.length === 0) return 'NULL';
  const values = matching.map((key) => {
    if (column.type === 'JSON') return `json -> ${literal(key)}`;
    if (column.type === 'VARCHAR') return `json ->> ${literal(key)}`;
    return `CAST(json ->> ${literal(key)} AS ${column.type})`;
  });
  return values.length === 1 ? (values[0] ?? 'NULL') : `COALESCE(${values.join(', ')})`;
}

/** An INCLUDE_METADATA target as written (quoted or not) against a column's stored name. */
function sameColumn(written: string, name: string): boolean {
  return written.startsWith('"') ? written.slice(1, -1).replaceAll('""', '"') === name : written.toUpperCase() === name.toUpperCase();
}

const COPY_ROWTYPE = [
  textColumn('file'),
  textColumn('status'),
  ...countResult({ rows_parsed: 0, rows_loaded: 0, error_limit: 0, errors_seen: 0 }).rowtype,
  textColumn('first_error'),
];

export async function runCopy(connection: DuckDBConnection, request: CopyRequest): Promise<ResultSet> {
  if (request.files.length === 0) {
    return { rowtype: [textColumn('status')], rowset: [['Copy executed with 0 files processed.']] };
  }
  const files = `[${request.files.map(literal).join(', ')}]`;
  const source = `read_ndjson_objects(${files}, filename = true)`;
  const columns = await tableColumns(connection, request.table);
  const keys = await jsonKeys(connection, source);
  const targets = columns.map((column) => `"${column.name.replaceAll('"', '""')}"`);
  const values = columns.map((column) => columnExpression(column, keys, request));
  const perFile = await connection.runAndReadAll(`SELECT filename, count(*) FROM ${source} GROUP BY filename ORDER BY filename`);
  // The scan keeps each file's line order, so the row number is the line's position in its file.
  await connection.run(
    `INSERT INTO ${request.table} (${targets.join(', ')})
     SELECT ${values.join(', ')}
     FROM (SELECT json, filename, row_number() OVER (PARTITION BY filename) AS __row FROM ${source})`,
  );
  if (request.purge) await Promise.all(request.files.map((file) => rm(file, { force: true })));
  return {
    rowtype: COPY_ROWTYPE,
    rowset: perFile.getRowsJS().map(([file, rows]) => [path.basename(String(file)), 'LOADED', String(rows), String(rows), '1', '0', null]),
  };
}
