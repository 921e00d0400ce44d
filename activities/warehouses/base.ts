/**
 * The shell every warehouse plug-in shares. A plug-in declares its kind, capabilities and pricing,
 * and on connect hands over its dialect's parts; the base builds the Warehouse around them: it checks
 * the arguments (a delete predicate, a held-values lookup) before any SQL is written, resolves the
 * stream table's name once, maps failures through the plug-in's error mapping, prices loads from the
 * declared pricing, and closes once, after the operations under way have settled.
 */
import type { DestinationConfig } from '../../domain/connector';
import type { LoadResult } from '../../domain/cycle';
import type { StreamDefinition } from '../../domain/streams/types';
import type { DerivedTables } from './derived';
import { heldValuesLookups } from './held-values';
import { racedLiveQuery, type LiveQueryLimits, type LiveQueryParams, type LiveQueryResult } from './live-query';
import { resolveDeletePredicate, type ResolvedPredicate } from './predicate';
import { estimateFromPricing } from './pricing';
import type {
  DeletePredicate,
  EmbeddedWarehouseDefaults,
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
} from './types';

/** What a plug-in supplies for one connected destination; each part does one Warehouse operation. */
export interface WarehouseParts {
  /** A table of the destination's schema as the dialect names it in SQL: qualified and quoted. */
  tableName(table: string): string;
  ensureTable(stream: StreamDefinition): Promise<SchemaChange[]>;
  describeSchemaChanges(stream: StreamDefinition): Promise<SchemaChange[]>;
  load(batch: LoadBatch): Promise<LoadResult>;
  /** `table` is the stream table's name from `tableName`. */
  deleteRows(stream: StreamDefinition, predicate: ResolvedPredicate, table: string): Promise<number>;
  /** The lookups are checked and cut to size (`heldValuesLookups`); `table` as for deleteRows. */
  findHeldValues(stream: StreamDefinition, lookups: readonly ResolvedPredicate[], table: string): Promise<HeldValue[]>;
  query(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** An analyst's statement, cancelled in the engine; without it, `query` raced against the clock (racedLiveQuery). */
  liveQuery?(sql: string, limits: LiveQueryLimits, params: LiveQueryParams): Promise<LiveQueryResult>;
  /** Derived tables, rebuilt in one transaction; left out by a plug-in that cannot. */
  readonly derived?: DerivedTables;
  /** Lets go of the connection: called once, after every operation under way has settled. */
  release(): Promise<void>;
  /** The failure of an operation in the connector taxonomy, `doing` saying what was attempted; without it, failures pass as they are. */
  readonly asConnectorError?: (error: unknown, doing: string) => unknown;
}

export interface PluginDefinition<C extends DestinationConfig> {
  readonly kind: C['kind'];
  readonly capabilities: WarehouseCapabilities;
  readonly pricing: WarehousePricing;
  /** Connects to the destination and returns the dialect's parts for it. */
  open(config: C, defaults: EmbeddedWarehouseDefaults): Promise<WarehouseParts>;
}

/** A plug-in whose connections are Warehouses built by the base around the parts `open` returns. */
export function definePlugin<C extends DestinationConfig>(definition: PluginDefinition<C>): WarehousePlugin<C> {
  const { kind, capabilities, pricing } = definition;
  return {
    kind,
    capabilities,
    pricing,
    connect: async (config, defaults) => new BaseWarehouse(await definition.open(config, defaults), pricing),
  };
}

/** `load` run on first use only: a plug-in's driver is imported by the processes that write to it. */
export function lazily<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

class BaseWarehouse implements Warehouse {
  private closed = false;
  private readonly pending = new Set<Promise<unknown>>();
  readonly derived?: DerivedTables;

  constructor(
    private readonly parts: WarehouseParts,
    private readonly pricing: WarehousePricing,
  ) {
    const { derived } = parts;
    if (derived) {
      this.derived = {
        dialect: derived.dialect,
        materialise: (tables) => this.track(`rebuild ${tables.map((t) => t.table).join(', ')}`, () => derived.materialise(tables)),
      };
    }
  }

  ensureTable(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.track(`ensure table ${stream.table}`, () => this.parts.ensureTable(stream));
  }

  describeSchemaChanges(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.track(`describe table ${stream.table}`, () => this.parts.describeSchemaChanges(stream));
  }

  load(batch: LoadBatch): Promise<LoadResult> {
    const target = this.parts.tableName(batch.stream.table);
    return this.track(`load batch ${batch.loadId} into ${target}`, () => this.parts.load(batch));
  }

  async deleteWhere(stream: StreamDefinition, predicate: DeletePredicate): Promise<number> {
    const resolved = resolveDeletePredicate(stream, predicate);
    const table = this.parts.tableName(stream.table);
    return this.track(`delete from ${stream.table} where ${resolved.column} ${resolved.op}`, () =>
      this.parts.deleteRows(stream, resolved, table),
    );
  }

  async findHeldValues(stream: StreamDefinition, column: string, values: readonly PredicateValue[]): Promise<HeldValue[]> {
    const lookups = heldValuesLookups(stream, column, values);
    const table = this.parts.tableName(stream.table);
    return this.track(`look up ${column} values in ${stream.table}`, () => this.parts.findHeldValues(stream, lookups, table));
  }

  estimateLoadCost(figures: LoadFigures): LoadCostEstimate {
    return estimateFromPricing(this.pricing, figures);
  }

  query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.track('query', () => this.parts.query(sql, params));
  }

  liveQuery(sql: string, limits: LiveQueryLimits, params: LiveQueryParams = []): Promise<LiveQueryResult> {
    const { parts } = this;
    return this.track('live query', () =>
      parts.liveQuery
        ? parts.liveQuery(sql, limits, params)
        : racedLiveQuery((limited, bound) => parts.query(limited, bound), sql, limits, params),
    );
  }

  /** Waits for this handle's operations, then lets the plug-in release the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.pending);
    await this.parts.release();
  }

  private track<T>(doing: string, operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('this warehouse connection is closed'));
    const { asConnectorError } = this.parts;
    const started = operation();
    const running = asConnectorError
      ? started.catch((error: unknown) => {
          throw asConnectorError(error, doing);
        })
      : started;
    this.pending.add(running);
    const forget = (): void => void this.pending.delete(running);
    void running.then(forget, forget);
    return running;
  }
}
