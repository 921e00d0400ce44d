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

/**
 * Who may be marketed to: a row whose column holds this value (a CRM's active-contact or consent
 * field, as the connector is configured). A row without the value is held back by the quality suite,
 * withheld from the table at load, and left out of the customer models.
 */
export interface ActiveRule {
  readonly column: string;
  readonly equals: boolean | string;
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
  /** The stream's active / consent rule; absent: every row may be marketed to. */
  readonly activeRule?: ActiveRule;
  readonly columns: readonly StreamColumn[];
}
