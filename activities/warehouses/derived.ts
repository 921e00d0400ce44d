/**
 * Derived tables: tables a warehouse computes from its own stream tables with one SELECT (the
 * customer models). The SELECT is written once in the SQL every warehouse shares and asks the
 * plug-in's dialect only for what differs. A plug-in that can run such statements in one
 * transaction offers them (`Warehouse.derived`); shared code builds the statements here.
 */
import type { ColumnType, StreamColumn } from '../../domain/streams/types';
import { quoteIdentifier } from './sql';

/** What differs between warehouses in a derived table's SELECT. */
export interface QueryDialect {
  /** A table of the destination's schema (a stream table or a derived one), qualified and quoted. */
  table(name: string): string;
  /** The calendar day (UTC) of a timestamp expression, as a DATE. */
  utcDate(instant: string): string;
  /** A text field of a JSON column, NULL when absent. `field` is a plain identifier. */
  jsonText(json: string, field: string): string;
  /** The distinct non-null values of a text expression in a group, sorted, joined by ', '. */
  listOf(text: string): string;
  /** An expression converted to a column type, named as the warehouse names it (BigQuery has no VARCHAR). */
  cast(expression: string, type: ColumnType): string;
  /** The 1-based position of `needle` in `text`, 0 when absent (BigQuery has STRPOS, not POSITION … IN). */
  position(needle: string, text: string): string;
}

/** `cast` for a warehouse whose CAST takes the types it creates its tables with. */
export const castTo =
  (columnTypes: Readonly<Record<ColumnType, string>>) =>
  (expression: string, type: ColumnType): string =>
    `CAST(${expression} AS ${columnTypes[type]})`;

/** `position` in standard SQL. */
export const standardPosition = (needle: string, text: string): string => `POSITION(${needle} IN ${text})`;

export interface DerivedTable {
  /** The table in the destination's schema. */
  readonly table: string;
  /** Its columns, in the order the SELECT returns them. */
  readonly columns: readonly StreamColumn[];
  select(dialect: QueryDialect): string;
}

/** What a warehouse that builds derived tables offers. */
export interface DerivedTables {
  /** The dialect its SELECTs are written in; `table` names any table of the destination's schema for `query` too. */
  readonly dialect: QueryDialect;
  /**
   * Rebuilds the tables from the stream tables, all in one transaction, in the order given: a later
   * one may read an earlier one.
   */
  materialise(tables: readonly DerivedTable[]): Promise<void>;
}

/**
 * The statements that rebuild a derived table from scratch: dropped, created with its columns typed
 * as the warehouse types a stream's (and names them as it names a stream's columns: `quote`), and
 * filled from its SELECT. Run in one transaction where DDL is transactional, so readers see the old
 * rows until the new ones are committed.
 */
export function rebuildStatements(
  derived: DerivedTable,
  dialect: QueryDialect,
  columnTypes: Readonly<Record<ColumnType, string>>,
  quote: (name: string) => string = quoteIdentifier,
): string[] {
  const name = dialect.table(derived.table);
  const names = derived.columns.map((column) => quote(column.name));
  const typed = derived.columns.map((column, i) => `${names[i] ?? ''} ${columnTypes[column.type]}`);
  return [
    `DROP TABLE IF EXISTS ${name}`,
    `CREATE TABLE ${name} (${typed.join(', ')})`,
    // The SELECT as a subquery: its own WITH (RECURSIVE) clause stays inside it in every dialect.
    `INSERT INTO ${name} (${names.join(', ')}) SELECT * FROM (${derived.select(dialect)}) AS derived_rows`,
  ];
}
