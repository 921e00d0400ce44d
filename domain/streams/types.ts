/** A stream is data, not code: what a warehouse needs to create and merge its table. */
export const COLUMN_TYPES = ['string', 'integer', 'number', 'boolean', 'timestamp', 'date', 'json'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface StreamColumn {
  /** Warehouse column name (snake_case). */
  readonly name: string;
  readonly type: ColumnType;
  /** The field's name in the source's records, when it differs from the column name. */
  readonly sourceField?: string;
  /** Personal data: never logged, erased on request, hashed in metrics. */
  readonly personal?: boolean;
  /**
   * A count of distinct things (GA4's users) or a ratio: the sum of its values over rows is not the
   * value of their total, so nothing downstream may add them up.
   */
  readonly nonAdditive?: boolean;
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
