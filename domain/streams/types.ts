/** A stream is data, not code: what a warehouse needs to create and merge its table. */
export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'timestamp' | 'date' | 'json';

export interface StreamColumn {
  /** Warehouse column name (snake_case). */
  readonly name: string;
  readonly type: ColumnType;
  /** The field's name in the source's records, when it differs from the column name. */
  readonly sourceField?: string;
  /** Personal data: never logged, erased on request, hashed in metrics. */
  readonly personal?: boolean;
}

export interface StreamDefinition {
  /** Stable name used in ids, cursors and file paths, e.g. `contact`. */
  readonly name: string;
  /** Warehouse table name inside the connector's destination schema. */
  readonly table: string;
  readonly primaryKey: string;
  /** Column the source increments by; rows arrive in ascending order of (cursorColumn, primaryKey). */
  readonly cursorColumn: string;
  /** Column marking a row as deleted at the source; such rows become deletes in the warehouse. */
  readonly deletedColumn?: string;
  readonly columns: readonly StreamColumn[];
}
