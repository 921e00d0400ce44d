/**
 * The embedded warehouse: one DuckDB file, the default destination. Batches are read straight from
 * the staged NDJSON files by DuckDB (no rows pass through JavaScript) and merged in one transaction
 * with their ledger row, so a batch is loaded entirely once or not at all.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue, DuckDBValueConverter, JS } from '@duckdb/node-api';
import type { DestinationConfig } from '../../domain/connector';
import type { LoadResult } from '../../domain/cycle';
import type { ColumnType, StreamDefinition } from '../../domain/streams/types';
import { ConnectorError } from '../errors';
import {
  LEDGER_TABLE,
  METADATA_COLUMNS,
  QUARANTINE_TABLE,
  mergeStatement,
  plainInteger,
  qualifiedName,
  quoteIdentifier,
  quoteLiteral,
} from './sql';
import type { LoadBatch, Warehouse, WarehouseCapabilities, WarehousePlugin } from './types';

type DuckDBDestinationConfig = Extract<DestinationConfig, { kind: 'duckdb' }>;
type Driver = typeof import('@duckdb/node-api');

let driver: Promise<Driver> | undefined;
/** The native driver loads on first use, so processes writing elsewhere never pay for it. */
function loadDriver(): Promise<Driver> {
  driver ??= import('@duckdb/node-api');
  return driver;
}

const COLUMN_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
  date: 'DATE',
  json: 'JSON',
};

type TypedColumn = readonly [name: string, duckdbType: string];

const METADATA_DEFINITIONS: readonly TypedColumn[] = [
  [METADATA_COLUMNS.loadId, 'VARCHAR'],
  [METADATA_COLUMNS.loadedAt, 'TIMESTAMPTZ'],
  [METADATA_COLUMNS.source, 'VARCHAR'],
  [METADATA_COLUMNS.connectorId, 'VARCHAR'],
];

const streamColumns = (stream: StreamDefinition): TypedColumn[] =>
  stream.columns.map((column) => [column.name, COLUMN_TYPES[column.type]]);

/** Every column of the stream's table with its DuckDB type, metadata last. */
const tableColumns = (stream: StreamDefinition): TypedColumn[] => [...streamColumns(stream), ...METADATA_DEFINITIONS];

// ---------------------------------------------------------------------------------------------
// One instance per file per process: DuckDB lets one process write a file, through one instance.

class SharedDatabase {
  users = 0;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    readonly instance: Promise<DuckDBInstance>,
  ) {}

  /** A connection per operation, closed right after: an open connection would keep the file locked. */
  async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await (await this.instance).connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  }

  /** Writes run one at a time; concurrent DuckDB transactions on the same rows would abort each other. */
  exclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const result = this.writes.then(() => this.withConnection(work));
    this.writes = result.catch(() => undefined);
    return result;
  }
}

const openDatabases = new Map<string, SharedDatabase>();
const closingDatabases = new Map<string, Promise<void>>();

async function acquire(file: string): Promise<SharedDatabase> {
  // A file being closed is reopened only once the old instance has let go of it.
  await closingDatabases.get(file);
  let database = openDatabases.get(file);
  if (!database) {
    database = new SharedDatabase(file, loadDriver().then((d) => d.DuckDBInstance.create(file)));
    openDatabases.set(file, database);
  }
  database.users += 1;
  try {
    await database.instance;
    return database;
  } catch (error) {
    await release(database);
    const reason = firstLine(error);
    const hint = /lock/i.test(reason)
      ? 'DuckDB lets one process at a time open a file: stop the other process or configure another path'
      : undefined;
    throw new ConnectorError('system', `cannot open the DuckDB warehouse ${file}: ${reason}`, hint);
  }
}

async function release(database: SharedDatabase): Promise<void> {
  database.users -= 1;
  if (database.users > 0) return;
  openDatabases.delete(database.file);
  const closed = database.instance
    .then((instance) => instance.closeSync(), () => undefined)
    .finally(() => closingDatabases.delete(database.file));
  closingDatabases.set(database.file, closed);
  await closed;
}

// ---------------------------------------------------------------------------------------------
// Tables

async function ensureTables(connection: DuckDBConnection, schema: string, stream: StreamDefinition): Promise<void> {
  await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  await connection.run(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, LEDGER_TABLE)} (
       load_id VARCHAR PRIMARY KEY, connector_id VARCHAR NOT NULL, stream VARCHAR NOT NULL,
       rows_merged BIGINT NOT NULL, rows_deleted BIGINT NOT NULL, rows_quarantined BIGINT NOT NULL,
       loaded_at TIMESTAMPTZ NOT NULL)`,
  );
  await connection.run(
    `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, QUARANTINE_TABLE)} (
       load_id VARCHAR NOT NULL, connector_id VARCHAR NOT NULL, stream VARCHAR NOT NULL, record_key VARCHAR,
       reasons VARCHAR[] NOT NULL, record JSON NOT NULL, quarantined_at TIMESTAMPTZ NOT NULL)`,
  );
  const columns = tableColumns(stream);
  const definitions = columns.map(([name, type]) => `${quoteIdentifier(name)} ${type}`);
  const table = qualifiedName(schema, stream.table);
  const primaryKey = `PRIMARY KEY (${quoteIdentifier(stream.primaryKey)})`;
  await connection.run(`CREATE TABLE IF NOT EXISTS ${table} (${definitions.join(', ')}, ${primaryKey})`);
  const existing = await connection.runAndReadAll(
    `SELECT column_name FROM information_schema.columns
     WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2`,
    [schema, stream.table],
  );
  const present = new Set(existing.getRowsJS().map(([name]) => name));
  for (const [name, type] of columns.filter(([name]) => !present.has(name))) {
    await connection.run(`ALTER TABLE ${table} ADD COLUMN ${quoteIdentifier(name)} ${type}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Load

type LoadCounts = Omit<LoadResult, 'loadId' | 'alreadyLoaded'>;

async function loadBatch(connection: DuckDBConnection, schema: string, batch: LoadBatch): Promise<LoadResult> {
  await connection.run('BEGIN TRANSACTION');
  try {
    // DDL is transactional in DuckDB: a failed load leaves no half-made table behind either.
    await ensureTables(connection, schema, batch.stream);
    const recorded = await ledgerEntry(connection, schema, batch.loadId);
    if (recorded) {
      await connection.run('ROLLBACK');
      return { loadId: batch.loadId, alreadyLoaded: true, ...recorded };
    }
    const { cleanFile, quarantineFile } = batch;
    const clean = cleanFile ? await mergeClean(connection, schema, batch, cleanFile) : { merged: 0, deleted: 0 };
    const quarantined = quarantineFile ? await appendQuarantine(connection, schema, batch, quarantineFile) : 0;
    const counts: LoadCounts = { ...clean, quarantined };
    await connection.run(
      `INSERT INTO ${qualifiedName(schema, LEDGER_TABLE)} VALUES ($1, $2, $3, $4, $5, $6, now())`,
      [batch.loadId, batch.connectorId, batch.stream.name, counts.merged, counts.deleted, counts.quarantined],
    );
    await connection.run('COMMIT');
    return { loadId: batch.loadId, alreadyLoaded: false, ...counts };
  } catch (error) {
    // Closing the connection rolls back too; an explicit rollback just frees the work sooner.
    await connection.run('ROLLBACK').catch(() => undefined);
    throw asDataError(error, batch);
  }
}

/** What the ledger recorded for a load that already happened, so a retry reports the same figures. */
async function ledgerEntry(connection: DuckDBConnection, schema: string, loadId: string): Promise<LoadCounts | null> {
  const reader = await connection.runAndReadAll(
    `SELECT rows_merged, rows_deleted, rows_quarantined FROM ${qualifiedName(schema, LEDGER_TABLE)} WHERE load_id = $1`,
    [loadId],
  );
  const [row] = reader.getRowsJS();
  if (!row) return null;
  const [merged, deleted, quarantined] = row.map(Number);
  return { merged: merged ?? 0, deleted: deleted ?? 0, quarantined: quarantined ?? 0 };
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
  if (missingKeys > 0) {
    throw new ConnectorError(
      'data',
      `${missingKeys} rows of stream ${stream.name} have no ${stream.primaryKey}: the primary key must not be null`,
    );
  }
  // A key seen twice in one batch keeps its latest version (by cursor, then by position in the file).
  const latestFirst = `${quoteIdentifier(stream.cursorColumn)} DESC NULLS LAST, rowid DESC`;
  await connection.run(
    `DELETE FROM ${BATCH_TABLE} WHERE rowid IN (SELECT rowid FROM ${BATCH_TABLE}
       QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY ${latestFirst}) > 1)`,
  );
  const table = qualifiedName(schema, stream.table);
  const deletedFlag = stream.deletedColumn ? quoteIdentifier(stream.deletedColumn) : null;
  let deleted = 0;
  if (deletedFlag) {
    const deletions = `SELECT ${key} FROM ${BATCH_TABLE} WHERE ${deletedFlag} IS TRUE`;
    deleted = (await connection.run(`DELETE FROM ${table} WHERE ${key} IN (${deletions})`)).rowsChanged;
  }
  const upserts = deletedFlag ? `(SELECT * FROM ${BATCH_TABLE} WHERE ${deletedFlag} IS NOT TRUE)` : BATCH_TABLE;
  const merged = (await connection.run(mergeStatement(table, upserts, stream))).rowsChanged;
  return { merged, deleted };
}

async function appendQuarantine(
  connection: DuckDBConnection,
  schema: string,
  batch: LoadBatch,
  file: string,
): Promise<number> {
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
  const shape = message.replace(/"[^"]*"|'[^']*'/g, '"…"');
  return new ConnectorError(
    'data',
    `batch ${batch.loadId} (${files.join(', ')}) does not match stream ${batch.stream.name}: ${shape}`,
    'the staged rows must carry the stream’s column types',
  );
}

/** Checks the shape, not `instanceof Error`: errors from the native driver may come from another realm. */
function firstLine(error: unknown): string {
  const message =
    typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
      ? error.message
      : String(error);
  return message.split('\n')[0] ?? '';
}

// ---------------------------------------------------------------------------------------------
// Query

function toDuckDBValue(value: unknown, index: number): DuckDBValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
  }
  throw new TypeError(`query parameter ${index + 1} must be a string, number, bigint, boolean, Date or null`);
}

/** What the JS converter yields, made JSON-safe: ISO timestamps, exact numbers, base64 bytes. */
function plainFromJs(value: JS): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (typeof value === 'bigint') return plainInteger(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plainFromJs);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainFromJs(inner)]));
  }
  return value;
}

/** DuckDB values as plain JS: dates as YYYY-MM-DD, JSON parsed, lists as arrays, the rest via plainFromJs. */
function plainConverter(d: Driver): DuckDBValueConverter<unknown> {
  const convert: DuckDBValueConverter<unknown> = (value, type, self) => {
    if (value === null) return null;
    switch (type.typeId) {
      case d.DuckDBTypeId.DATE:
        return String(value);
      case d.DuckDBTypeId.VARCHAR:
        return type.alias === 'JSON' ? JSON.parse(String(value)) : String(value);
      case d.DuckDBTypeId.LIST:
        return d.arrayFromListValue(value, type, self);
      case d.DuckDBTypeId.ARRAY:
        return d.arrayFromArrayValue(value, type, self);
      case d.DuckDBTypeId.STRUCT:
        return d.objectFromStructValue(value, type, self);
      default:
        return plainFromJs(d.JSDuckDBValueConverter(value, type, d.JSDuckDBValueConverter));
    }
  };
  return convert;
}

async function readOnlyQuery(
  connection: DuckDBConnection,
  sql: string,
  params: readonly unknown[],
): Promise<Record<string, unknown>[]> {
  const d = await loadDriver();
  // The interface promises read-only SQL; DuckDB enforces it rather than trusting the caller.
  await connection.run('BEGIN TRANSACTION READ ONLY');
  try {
    const result = await connection.run(sql, params.map(toDuckDBValue));
    // Column types come from the result, not its chunks: only the result's types keep the JSON alias.
    const names = result.deduplicatedColumnNames();
    const columns = result.columnTypes().map((type, i) => ({ type, name: names[i] ?? result.columnName(i) }));
    const convert = plainConverter(d);
    const rows = await result.getRows();
    return rows.map((row) =>
      Object.fromEntries(columns.map(({ name, type }, i) => [name, convert(row[i] ?? null, type, convert)])),
    );
  } finally {
    await connection.run('ROLLBACK');
  }
}

// ---------------------------------------------------------------------------------------------
// The plug-in

class DuckDBWarehouse implements Warehouse {
  private closed = false;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly database: SharedDatabase,
    private readonly schema: string,
  ) {}

  ensureTable(stream: StreamDefinition): Promise<void> {
    return this.track(() => this.database.exclusive((c) => ensureTables(c, this.schema, stream)));
  }

  load(batch: LoadBatch): Promise<LoadResult> {
    return this.track(() => this.database.exclusive((c) => loadBatch(c, this.schema, batch)));
  }

  query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.track(() => this.database.withConnection((c) => readOnlyQuery(c, sql, params)));
  }

  /** Waits for this handle's operations; the last handle on a file closes DuckDB and frees the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.pending);
    await release(this.database);
  }

  private track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('this warehouse connection is closed'));
    const running = operation();
    this.pending.add(running);
    const forget = (): void => void this.pending.delete(running);
    void running.then(forget, forget);
    return running;
  }
}

export const duckdbCapabilities: WarehouseCapabilities = {
  mergeStrategy: 'merge',
  loadFormats: ['ndjson'],
  transactionalDdl: true,
  // DuckDB sets no limit on identifier length.
  maxIdentifierLength: Number.POSITIVE_INFINITY,
};

export const duckdbWarehouse: WarehousePlugin<DuckDBDestinationConfig> = {
  kind: 'duckdb',
  capabilities: duckdbCapabilities,
  async connect(config, { dataDir }) {
    const file = path.resolve(config.path ?? path.join(dataDir, 'warehouse.duckdb'));
    await mkdir(path.dirname(file), { recursive: true });
    return new DuckDBWarehouse(await acquire(file), config.schema);
  },
};
