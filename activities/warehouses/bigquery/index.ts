/**
 * Google BigQuery through @google-cloud/bigquery 8 (9 needs Node 22): staged NDJSON goes up by load
 * jobs, one transactional script merges it under the ledger; stream tables are partitioned by event
 * date and clustered by customer. Billed per byte a query scans (on-demand pricing).
 */
import type { LoadResult } from '../../../domain/cycle';
import type { StreamDefinition } from '../../../domain/streams/types';
import { heldValuesLookups } from '../held-values';
import { resolveDeletePredicate } from '../predicate';
import { estimateFromPricing } from '../pricing';
import type {
  DeletePredicate,
  DestinationConfigOf,
  HeldValue,
  LoadBatch,
  LoadCostEstimate,
  LoadFigures,
  PredicateValue,
  SchemaChange,
  Warehouse,
  WarehouseCapabilities,
  WarehousePlugin,
  WarehousePricing,
} from '../types';
import { openSession, runSql, type RetryOptions, type Session } from './connection';
import { deleteRows } from './delete';
import { findHeldValues } from './held-values';
import { loadBatch } from './load';
import { describeSchemaChanges, ensureBookkeeping, ensureStreamTable } from './tables';
import { positionalParameters } from './values';

export const bigqueryCapabilities: WarehouseCapabilities = {
  mergeStrategy: 'merge',
  loadFormats: ['ndjson'],
  // Multi-statement transactions refuse DDL on permanent tables.
  transactionalDdl: false,
  // Column names; table names may be longer (1,024).
  maxIdentifierLength: 300,
  customerLocality: 'cluster-by',
  partitionedByDate: true,
};

const MIB = 2 ** 20;

export const bigqueryPricing: WarehousePricing = {
  model: 'bytes-scanned',
  usdPerTiB: 6.25,
  // DML is billed at least 10 MB for each table it references.
  minimumBytes: 10 * MIB,
  source: 'cloud.google.com/bigquery/pricing, on-demand compute, US multi-region',
};

class BigQueryWarehouse implements Warehouse {
  private closed = false;
  private readonly pending = new Set<Promise<unknown>>();
  /** The dataset, ledger and quarantine are checked once per connection. */
  private bookkeeping: Promise<void> | null = null;

  constructor(private readonly session: Session) {}

  ensureTable(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.track(async () => {
      await this.ensureBookkeeping();
      return ensureStreamTable(this.session, stream);
    });
  }

  describeSchemaChanges(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.track(() => describeSchemaChanges(this.session, stream));
  }

  load(batch: LoadBatch): Promise<LoadResult> {
    return this.track(() => loadBatch(this.session, batch));
  }

  async deleteWhere(stream: StreamDefinition, predicate: DeletePredicate): Promise<number> {
    const resolved = resolveDeletePredicate(stream, predicate);
    return this.track(() => deleteRows(this.session, stream, resolved));
  }

  async findHeldValues(stream: StreamDefinition, column: string, values: readonly PredicateValue[]): Promise<HeldValue[]> {
    const lookups = heldValuesLookups(stream, column, values);
    return this.track(() => findHeldValues(this.session, stream, lookups));
  }

  estimateLoadCost(figures: LoadFigures): LoadCostEstimate {
    return estimateFromPricing(bigqueryPricing, figures);
  }

  /**
   * Positional `?` parameters. BigQuery has no read-only session: grant the analysing principal
   * BigQuery Data Viewer only if that matters; the plug-in sends the SQL as given.
   */
  query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    const { values, types } = positionalParameters(params);
    const bound = values.length > 0 ? { params: values, types } : {};
    return this.track(() => runSql(this.session, { sql, ...bound }, 'query'));
  }

  /** Waits for this handle's operations; the client holds no connection to release. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.pending);
  }

  private ensureBookkeeping(): Promise<void> {
    this.bookkeeping ??= ensureBookkeeping(this.session).catch((error: unknown) => {
      this.bookkeeping = null;
      throw error;
    });
    return this.bookkeeping;
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

export interface BigQueryPluginOptions {
  /** The SDK's own retries of throttled and failed requests; its defaults when omitted. */
  retryOptions?: RetryOptions;
}

export function createBigQueryPlugin(options: BigQueryPluginOptions = {}): WarehousePlugin<DestinationConfigOf<'bigquery'>> {
  return {
    kind: 'bigquery',
    capabilities: bigqueryCapabilities,
    pricing: bigqueryPricing,
    async connect(config) {
      return new BigQueryWarehouse(await openSession(config, options.retryOptions));
    },
  };
}

export const bigqueryWarehouse = createBigQueryPlugin();
