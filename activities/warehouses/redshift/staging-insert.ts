/**
 * Filling a staging table without S3: multi-row INSERTs whose values are bound parameters, each
 * statement (text and values together) kept under the Data API's 100 KB limit, a few at a time.
 */
import type { ColumnType } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
import { quoteIdentifier } from '../sql';
import type { DataApi } from './connection';
import type { StagedRow, StagingColumn } from './staged-rows';
import { COLUMN_TYPES } from './tables';

/** The Data API refuses statements over 100 kB; values are counted too, with room for their JSON framing. */
export const MAX_STATEMENT_BYTES = 100_000;
const PARAMETER_FRAMING_BYTES = 32;

/** How a bound text value becomes the column's type; strings need nothing. */
function typedExpression(placeholder: string, type: ColumnType): string {
  if (type === 'string') return placeholder;
  if (type === 'json') return `JSON_PARSE(${placeholder})`;
  return `CAST(${placeholder} AS ${COLUMN_TYPES[type]})`;
}

function parameterText(value: unknown, type: ColumnType): string {
  if (type === 'json') return JSON.stringify(value);
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
  }
  return JSON.stringify(value);
}

class InsertStatement {
  readonly parameters: Record<string, string> = {};
  private readonly rows: string[] = [];
  private bytes: number;

  constructor(private readonly prefix: string) {
    this.bytes = Buffer.byteLength(prefix);
  }

  get isEmpty(): boolean {
    return this.rows.length === 0;
  }

  get sql(): string {
    return this.prefix + this.rows.join(', ');
  }

  /** Adds the row unless it would take the statement over the limit; NULL and '' are written, not bound. */
  tryAdd(row: StagedRow, columns: readonly StagingColumn[]): boolean {
    const bound: Record<string, string> = {};
    let next = Object.keys(this.parameters).length;
    const expressions = columns.map(({ type }, i) => {
      const value = row[i];
      if (value === null || value === undefined) return 'NULL';
      const text = parameterText(value, type);
      if (text === '') return typedExpression("''", type);
      const name = `v${next++}`;
      bound[name] = text;
      return typedExpression(`:${name}`, type);
    });
    const rowText = `(${expressions.join(', ')})`;
    const valueBytes = Object.entries(bound).reduce(
      (sum, [name, text]) => sum + name.length + Buffer.byteLength(text) + PARAMETER_FRAMING_BYTES,
      0,
    );
    // The row's text, its separator, and its bound values.
    const rowBytes = Buffer.byteLength(rowText) + 2 + valueBytes;
    if (this.bytes + rowBytes > MAX_STATEMENT_BYTES) return false;
    this.rows.push(rowText);
    Object.assign(this.parameters, bound);
    this.bytes += rowBytes;
    return true;
  }
}

/** Runs up to `limit` statements at once; the first failure is rethrown once the others settle. */
class StatementPool {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly limit: number) {}

  async submit(work: () => Promise<unknown>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    if (this.failure) throw this.failure.error;
    const task: Promise<void> = work().then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    const tracked = task.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Waits for every statement under way; rethrows the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.running);
    if (this.failure) throw this.failure.error;
  }
}

const tooLarge = (position: number): ConnectorError =>
  new ConnectorError(
    'data',
    `row ${position} of the batch is larger than the Data API's 100 kB statement limit`,
    'configure s3Staging on the Redshift destination: COPY from S3 has no such limit',
  );

/** Inserts the rows into `table` (qualified, quoted); returns how many. */
export async function insertRows(
  api: DataApi,
  table: string,
  columns: readonly StagingColumn[],
  rows: AsyncIterable<StagedRow>,
  concurrency: number,
): Promise<number> {
  const prefix = `INSERT INTO ${table} (${columns.map((c) => quoteIdentifier(c.name)).join(', ')}) VALUES `;
  const pool = new StatementPool(concurrency);
  const send = (statement: InsertStatement): Promise<void> =>
    pool.submit(() => api.execute(statement.sql, statement.parameters, `stage rows into ${table}`));
  let statement = new InsertStatement(prefix);
  let count = 0;
  try {
    for await (const row of rows) {
      count += 1;
      if (statement.tryAdd(row, columns)) continue;
      if (!statement.isEmpty) {
        await send(statement);
        statement = new InsertStatement(prefix);
      }
      if (!statement.tryAdd(row, columns)) throw tooLarge(count);
    }
    if (!statement.isEmpty) await send(statement);
  } catch (error) {
    // Nothing may still be writing to the staging table once the caller cleans it up.
    await pool.drain().catch(() => undefined);
    throw error;
  }
  await pool.drain();
  return count;
}
