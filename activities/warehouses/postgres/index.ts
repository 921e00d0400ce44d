/**
 * PostgreSQL as the warehouse, through a pg pool: COPY into a temporary table, then INSERT … ON
 * CONFLICT, all in one transaction. Self-hosted, so a load costs nothing beyond the server it runs on.
 */
import type { Pool } from 'pg';
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
import { inTransaction, openPool } from './connection';
import { deleteRows } from './delete';
import { findHeldValues } from './held-values';
import { loadBatch } from './load';
import { describeSchemaChanges, ensureTables } from './tables';
import { readOnlyQuery } from './values';

export const postgresCapabilities: WarehouseCapabilities = {
  mergeStrategy: 'insert-on-conflict',
  loadFormats: ['ndjson'],
  transactionalDdl: true,
  // NAMEDATALEN - 1: longer names are silently truncated, so shared code must keep within it.
  maxIdentifierLength: 63,
  customerLocality: 'none',
  partitionedByDate: false,
};

export const postgresPricing: WarehousePricing = { model: 'self-hosted' };

class PostgresWarehouse implements Warehouse {
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  ensureTable(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.open(() => inTransaction(this.pool, (client) => ensureTables(client, this.schema, stream)));
  }

  describeSchemaChanges(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.open(() =>
      inTransaction(this.pool, (client) => describeSchemaChanges(client, this.schema, stream), { readOnly: true }),
    );
  }

  load(batch: LoadBatch): Promise<LoadResult> {
    return this.open(() => loadBatch(this.pool, this.schema, batch));
  }

  async deleteWhere(stream: StreamDefinition, predicate: DeletePredicate): Promise<number> {
    const resolved = resolveDeletePredicate(stream, predicate);
    return this.open(() => inTransaction(this.pool, (client) => deleteRows(client, this.schema, stream, resolved)));
  }

  async findHeldValues(stream: StreamDefinition, column: string, values: readonly PredicateValue[]): Promise<HeldValue[]> {
    const lookups = heldValuesLookups(stream, column, values);
    return this.open(() => inTransaction(this.pool, (client) => findHeldValues(client, this.schema, stream, lookups), { readOnly: true }));
  }

  estimateLoadCost(figures: LoadFigures): LoadCostEstimate {
    return estimateFromPricing(postgresPricing, figures);
  }

  query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.open(() => readOnlyQuery(this.pool, sql, params));
  }

  /** pool.end() waits for checked-out connections, so operations under way finish first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private open<T>(operation: () => Promise<T>): Promise<T> {
    return this.closed ? Promise.reject(new Error('this warehouse connection is closed')) : operation();
  }
}

export const postgresWarehouse: WarehousePlugin<DestinationConfigOf<'postgres'>> = {
  kind: 'postgres',
  capabilities: postgresCapabilities,
  pricing: postgresPricing,
  async connect(config) {
    return new PostgresWarehouse(await openPool(config.url), config.schema);
  },
};
