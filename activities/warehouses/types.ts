/**
 * A warehouse plug-in: one folder that fills this interface, run through the shared warehouse suite.
 * Shared code branches on `capabilities`, never on the kind.
 */
import type { DestinationConfig, DestinationKind } from '../../domain/connector';
import type { LoadResult } from '../../domain/cycle';
import type { ColumnType, StreamDefinition } from '../../domain/streams/types';
import type { LiveQueryLimits, LiveQueryParams, LiveQueryResult } from './live-query';
import type { DerivedTables } from './derived';

export interface WarehouseCapabilities {
  /** How a batch is merged by primary key. */
  readonly mergeStrategy: 'merge' | 'insert-on-conflict' | 'delete-insert';
  /** Formats a staged batch can be loaded from directly ('parquet' here means Parquet is supported). */
  readonly loadFormats: readonly ('ndjson' | 'parquet')[];
  /** DDL can run inside the load's transaction. */
  readonly transactionalDdl: boolean;
  /** Longest identifier the warehouse accepts; Infinity when it sets no limit. */
  readonly maxIdentifierLength: number;
  /** How a stream table keeps one customer's rows together: clustering keys, a distribution key, or not at all. */
  readonly customerLocality: 'cluster-by' | 'distkey' | 'none';
  /** Whether stream tables are partitioned by event date. */
  readonly partitionedByDate: boolean;
}

/**
 * Type changes `ensureTable` applies in place because every old value has an exact new form; any
 * other change of a column's type is reported and left alone. Keyed by the old type.
 */
export const SAFE_WIDENINGS: Readonly<Partial<Record<ColumnType, readonly ColumnType[]>>> = {
  integer: ['number'],
  // A date becomes midnight UTC of that day.
  date: ['timestamp'],
};

/**
 * A difference between a stream's definition and its table. `from`/`to` are stream column types
 * (`ColumnType`) or, for a warehouse type that maps to none, the warehouse's own type name.
 * `applied: false` means the table was left as it was: the guardrails decide what happens next.
 */
export interface SchemaChange {
  readonly column: string;
  readonly change: 'added' | 'widened' | 'dropped' | 'retyped';
  readonly from?: string;
  readonly to?: string;
  readonly applied: boolean;
}

/** A value a delete predicate compares with: timestamps as ISO-8601 strings, dates as YYYY-MM-DD. */
export type PredicateValue = string | number | boolean;

/**
 * Which rows `deleteWhere` removes, structured so no SQL text crosses the interface: the column must
 * be one of the stream's (or a metadata column) and the values must fit its type; values are bound as
 * parameters or escaped literals, never spliced raw.
 * Retention: `{ column: 'modified_at', op: 'lt', value: cutoff }`; erasure: `{ column: 'email', op: 'eq', value }`.
 */
/**
 * One comparison, and optionally `and` an equality more — e.g. a retention cutoff on rows of one
 * connector only, where connectors share a table.
 */
export type DeletePredicate = (
  | { readonly column: string; readonly op: 'eq' | 'lt' | 'lte'; readonly value: PredicateValue }
  | { readonly column: string; readonly op: 'in'; readonly values: readonly PredicateValue[] }
  /**
   * Text equal to one of the values in any letter case, spaces around it ignored (emails: ` Jane@Acme.com`
   * is `jane@acme.com`; sources do not trim what people type).
   */
  | { readonly column: string; readonly op: 'in-any-case'; readonly values: readonly string[] }
) & { readonly and?: { readonly column: string; readonly value: PredicateValue } };

/**
 * A row of a stream's table that holds a looked-up value: its primary key and that value, in the
 * forms a predicate takes (timestamps as ISO-8601 UTC, dates as YYYY-MM-DD), whatever the warehouse.
 */
export interface HeldValue {
  readonly key: PredicateValue;
  readonly value: PredicateValue;
}

/**
 * How a warehouse bills the work of a load, as data with its public list price (USD, on-demand, the
 * price's source named in `source`). Self-hosted warehouses cost nothing per load.
 */
export type WarehousePricing =
  | { readonly model: 'self-hosted' }
  | {
      /** Billed for the time compute runs: Snowflake credits, Redshift Serverless RPU-hours. */
      readonly model: 'compute-time';
      readonly usdPerHour: number;
      /** Rows one unit of that compute loads per second, for turning a batch into seconds. */
      readonly rowsPerSecond: number;
      /** The shortest time billed each time compute resumes. */
      readonly minimumSeconds: number;
      readonly source: string;
    }
  | {
      /** Billed for bytes scanned: BigQuery on-demand, where the MERGE reads the batch and the table. */
      readonly model: 'bytes-scanned';
      readonly usdPerTiB: number;
      /** The least billed per query. */
      readonly minimumBytes: number;
      readonly source: string;
    };

export interface LoadFigures {
  readonly rows: number;
  readonly bytes: number;
}

export interface LoadCostEstimate {
  readonly amountUsd: number;
  /** How the amount was reached, in words, e.g. `self-hosted: no per-load charge`. */
  readonly basis: string;
}

/** A load's figures, as its ledger row records them. */
export type LoadCounts = Omit<LoadResult, 'loadId' | 'alreadyLoaded'>;

export interface LoadBatch {
  connectorId: string;
  /** The source kind, written to the metadata column. */
  source: string;
  stream: StreamDefinition;
  loadId: string;
  /**
   * Local NDJSON files; null when the batch had no such rows. A load through loadingPlainFiles (the
   * worker's) is given staged files' URIs, which it turns into local plain files for the load.
   */
  cleanFile: string | null;
  quarantineFile: string | null;
}

export interface Warehouse {
  /**
   * Creates the stream's table (and the ledger, quarantine, tombstones) when missing, adds new columns and
   * applies SAFE_WIDENINGS; reports every difference, applied or not. Idempotent: a second call returns [].
   * `load` expects it to have run for the stream's current definition.
   */
  ensureTable(stream: StreamDefinition): Promise<SchemaChange[]>;
  /**
   * What `ensureTable` would apply or report for the stream now, read from the warehouse's catalog
   * without changing anything, so the guardrails see a table altered outside Insight Hub before a
   * load. A table that does not exist yet has nothing to report.
   */
  describeSchemaChanges(stream: StreamDefinition): Promise<SchemaChange[]>;
  /**
   * In one transaction: merges clean rows by primary key, applies deletions (rows whose deletedColumn
   * is true) and records them as tombstones, appends quarantined rows, and writes the ledger row. A
   * row is written or deleted only by a version at least as new by the stream's cursor, never by one
   * older than its key's tombstone, and not rewritten when it holds that version as this load wrote it.
   *
   * A loadId already in the ledger is not skipped: its clean rows are merged and its deletions applied
   * again under those guards, so a retry changes nothing while a re-read that hashes the same restores
   * what was changed since; the quarantine append and the ledger row are written the first time only.
   * Such a load returns `alreadyLoaded: true` with the figures the ledger recorded the first time (not
   * what the repeat changed), so every retry of a load reports the same figures.
   */
  load(batch: LoadBatch): Promise<LoadResult>;
  /**
   * Deletes the stream table's rows matching the predicate and returns how many; a bad column or value
   * fails with a config error naming it. A table that does not exist yet has nothing to delete.
   */
  deleteWhere(stream: StreamDefinition, predicate: DeletePredicate): Promise<number>;
  /**
   * The rows of the stream's table whose `column` holds one of `values`, for uniqueness checked
   * beyond one batch. The column and values are checked as an `in` delete predicate's are; values
   * are bound, never spliced, and looked up in statements of a bounded size however many there are.
   * A table or column that does not exist yet holds nothing.
   */
  findHeldValues(stream: StreamDefinition, column: string, values: readonly PredicateValue[]): Promise<HeldValue[]>;
  /** What loading a batch of this size costs at list price. */
  estimateLoadCost(figures: LoadFigures): LoadCostEstimate;
  /** Read-only SQL for verification and analysis. */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /**
   * An analyst's statement (checked by the caller: one SELECT, the tables the caller may read), read
   * only, at most `maxRows` rows, cancelled after `timeoutMs` (LiveQueryTimeout). Unqualified names
   * are the destination schema's where the engine lets a session say so (DuckDB, PostgreSQL).
   * Absent on wrappers that do not pass it on: `runLiveQuery` then races `query` against the clock.
   * `params` are bound to its placeholders as `query` binds them.
   */
  liveQuery?(sql: string, limits: LiveQueryLimits, params?: LiveQueryParams): Promise<LiveQueryResult>;
  /** Derived tables (the customer models) built here from the stream tables; absent where the plug-in cannot run them. */
  readonly derived?: DerivedTables;
  close(): Promise<void>;
}

/** Where an embedded warehouse lives and what it may take of the process; a remote one needs neither. */
export interface EmbeddedWarehouseDefaults {
  /** Holds embedded warehouses whose config names no path. */
  dataDir: string;
  /** The embedded DuckDB's memory_limit (INSIGHT_HUB_DUCKDB_MEMORY_LIMIT); DEFAULT_DUCKDB_MEMORY_LIMIT when omitted. */
  duckdbMemoryLimit?: string;
}

export interface WarehousePlugin<C extends DestinationConfig = DestinationConfig> {
  readonly kind: C['kind'];
  readonly capabilities: WarehouseCapabilities;
  readonly pricing: WarehousePricing;
  connect(config: C, defaults: EmbeddedWarehouseDefaults): Promise<Warehouse>;
}

/** Each destination kind's config, by kind. */
export type DestinationConfigOf<K extends DestinationKind> = Extract<DestinationConfig, { kind: K }>;

/** The registry's type: one plug-in per destination kind, each taking its own kind's config. */
export type WarehousePluginRegistry = { readonly [K in DestinationKind]: WarehousePlugin<DestinationConfigOf<K>> };
