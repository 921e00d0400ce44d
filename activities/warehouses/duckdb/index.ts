/**
 * The embedded warehouse: one DuckDB file, the default destination. Self-hosted, so a load costs
 * nothing beyond the machine it runs on.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
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
import { type SharedDatabase, acquire, release } from './connection';
import { deleteRows } from './delete';
import { findHeldValues } from './held-values';
import { loadBatch } from './load';
import { describeSchemaChanges, ensureTables } from './tables';
import { readOnlyQuery } from './values';

export const duckdbCapabilities: WarehouseCapabilities = {
  mergeStrategy: 'merge',
  loadFormats: ['ndjson'],
  transactionalDdl: true,
  // DuckDB sets no limit on identifier length.
  maxIdentifierLength: Number.POSITIVE_INFINITY,
  customerLocality: 'none',
  partitionedByDate: false,
};

export const duckdbPricing: WarehousePricing = { model: 'self-hosted' };

class DuckDBWarehouse implements Warehouse {
  private closed = false;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly database: SharedDatabase,
    private readonly schema: string,
  ) {}

  ensureTable(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.track(() => this.database.exclusive((c) => ensureTables(c, this.schema, stream)));
  }

  describeSchemaChanges(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.track(() => this.database.withConnection((c) => describeSchemaChanges(c, this.schema, stream)));
  }

  load(batch: LoadBatch): Promise<LoadResult> {
    return this.track(() => this.database.exclusive((c) => loadBatch(c, this.schema, batch)));
  }

  async deleteWhere(stream: StreamDefinition, predicate: DeletePredicate): Promise<number> {
    const resolved = resolveDeletePredicate(stream, predicate);
    return this.track(() => this.database.exclusive((c) => deleteRows(c, this.schema, stream, resolved)));
  }

  async findHeldValues(stream: StreamDefinition, column: string, values: readonly PredicateValue[]): Promise<HeldValue[]> {
    const lookups = heldValuesLookups(stream, column, values);
    return this.track(() => this.database.withConnection((c) => findHeldValues(c, this.schema, stream, lookups)));
  }

  estimateLoadCost(figures: LoadFigures): LoadCostEstimate {
    return estimateFromPricing(duckdbPricing, figures);
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

export const duckdbWarehouse: WarehousePlugin<DestinationConfigOf<'duckdb'>> = {
  kind: 'duckdb',
  capabilities: duckdbCapabilities,
  pricing: duckdbPricing,
  async connect(config, { dataDir }) {
    const file = path.resolve(config.path ?? path.join(dataDir, 'warehouse.duckdb'));
    await mkdir(path.dirname(file), { recursive: true });
    return new DuckDBWarehouse(await acquire(file), config.schema);
  },
};
