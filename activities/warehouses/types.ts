/**
 * A warehouse plug-in: one file that fills this interface, run through the shared warehouse suite.
 * Shared code branches on `capabilities`, never on the kind.
 */
import type { DestinationConfig, DestinationKind } from '../../domain/connector';
import type { LoadResult } from '../../domain/cycle';
import type { StreamDefinition } from '../../domain/streams/types';

export interface WarehouseCapabilities {
  /** How a batch is merged by primary key. */
  readonly mergeStrategy: 'merge' | 'insert-on-conflict' | 'delete-insert';
  /** Formats a staged batch can be loaded from directly. */
  readonly loadFormats: readonly ('ndjson' | 'parquet')[];
  /** DDL can run inside the load's transaction. */
  readonly transactionalDdl: boolean;
  readonly maxIdentifierLength: number;
}

export interface LoadBatch {
  connectorId: string;
  /** The source kind, written to the metadata column. */
  source: string;
  stream: StreamDefinition;
  loadId: string;
  /** Local NDJSON files (staging); null when the batch had no such rows. */
  cleanFile: string | null;
  quarantineFile: string | null;
}

export interface Warehouse {
  /** Creates the stream's table (and the ledger, quarantine) when missing; adds new columns. */
  ensureTable(stream: StreamDefinition): Promise<void>;
  /**
   * Merges clean rows by primary key, applies deletions (rows whose deletedColumn is true), appends
   * quarantined rows, and writes the ledger row, all at once: a loadId already in the ledger changes nothing.
   */
  load(batch: LoadBatch): Promise<LoadResult>;
  /** Read-only SQL for verification and analysis. */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface WarehousePlugin<C extends DestinationConfig = DestinationConfig> {
  readonly kind: DestinationKind;
  readonly capabilities: WarehouseCapabilities;
  connect(config: C, defaults: { dataDir: string }): Promise<Warehouse>;
}
