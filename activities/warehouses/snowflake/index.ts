/**
 * Snowflake over snowflake-sdk: password or key-pair login, small batches bound as arrays and large
 * ones staged (PUT + COPY INTO), merged by primary key in one transaction with the ledger; stream
 * tables clustered by customer. Billed per second of warehouse time.
 */
import type { LoadResult } from '../../../domain/cycle';
import type { StreamDefinition } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
import { heldValuesLookups } from '../held-values';
import { resolveDeletePredicate } from '../predicate';
import { estimateFromPricing } from '../pricing';
import type {
  DeletePredicate,
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
import { deleteRows } from './delete';
import { asConnectorError } from './errors';
import { findHeldValues } from './held-values';
import { loadBatch } from './load';
import { tableName } from './names';
import { readOnlyQuery } from './query';
import { type SnowflakeDestinationConfig, SnowflakeSession } from './connection';
import { describeSchemaChanges, ensureTables } from './tables';

export const snowflakeCapabilities: WarehouseCapabilities = {
  mergeStrategy: 'merge',
  loadFormats: ['ndjson'],
  // Every DDL statement commits the open transaction.
  transactionalDdl: false,
  maxIdentifierLength: 255,
  customerLocality: 'cluster-by',
  partitionedByDate: false,
};

export const snowflakePricing: WarehousePricing = {
  model: 'compute-time',
  usdPerHour: 2,
  rowsPerSecond: 20_000,
  minimumSeconds: 60,
  source:
    'Snowflake Standard edition on demand (AWS US East): an X-Small warehouse uses 1 credit per hour at $2.00 per credit, ' +
    'billed per second with a 60-second minimum each time it resumes',
};

class SnowflakeWarehouse implements Warehouse {
  private closed = false;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly session: SnowflakeSession,
    private readonly config: SnowflakeDestinationConfig,
  ) {}

  ensureTable(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.run(`ensure table ${stream.table}`, (s) => ensureTables(s, this.config.schema, stream));
  }

  describeSchemaChanges(stream: StreamDefinition): Promise<SchemaChange[]> {
    return this.run(`describe table ${stream.table}`, (s) => describeSchemaChanges(s, this.config.schema, stream));
  }

  load(batch: LoadBatch): Promise<LoadResult> {
    const target = tableName(this.config.schema, batch.stream.table);
    return this.run(`load batch ${batch.loadId} into ${target}`, (s) => loadBatch(s, this.config, batch));
  }

  async deleteWhere(stream: StreamDefinition, predicate: DeletePredicate): Promise<number> {
    const resolved = resolveDeletePredicate(stream, predicate);
    return this.run(`delete from ${stream.table} where ${resolved.column} ${resolved.op}`, (s) =>
      deleteRows(s, this.config.schema, stream, resolved),
    );
  }

  async findHeldValues(stream: StreamDefinition, column: string, values: readonly PredicateValue[]): Promise<HeldValue[]> {
    const lookups = heldValuesLookups(stream, column, values);
    return this.run(`look up ${column} values in ${stream.table}`, (s) => findHeldValues(s, this.config.schema, stream, lookups));
  }

  estimateLoadCost(figures: LoadFigures): LoadCostEstimate {
    return estimateFromPricing(snowflakePricing, figures);
  }

  query(sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.run('query', (s) => readOnlyQuery(s, sql, params));
  }

  /** Waits for this handle's operations, then ends the session. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.pending);
    await this.session.close();
  }

  private run<T>(doing: string, operation: (session: SnowflakeSession) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('this warehouse connection is closed'));
    const fail = (error: unknown): Promise<never> => Promise.reject(asConnectorError(error, doing));
    const running = this.session.exclusive(operation).catch(fail);
    this.pending.add(running);
    const forget = (): void => void this.pending.delete(running);
    void running.then(forget, forget);
    return running;
  }
}

export const snowflakeWarehouse: WarehousePlugin<SnowflakeDestinationConfig> = {
  kind: 'snowflake',
  capabilities: snowflakeCapabilities,
  pricing: snowflakePricing,
  async connect(config) {
    const session = await SnowflakeSession.open(config);
    try {
      // Timestamps without a zone, CURRENT_TIMESTAMP and DATE-to-TIMESTAMP_TZ casts all read as UTC.
      await session.execute(`ALTER SESSION SET TIMEZONE = 'UTC'`);
      const { rows } = await session.execute('SELECT CURRENT_DATABASE()');
      if (rows[0]?.[0] === null || rows[0]?.[0] === undefined) {
        throw new ConnectorError('config', `Snowflake database ${config.database} does not exist or the role cannot use it`);
      }
    } catch (error) {
      await session.close();
      throw asConnectorError(error, 'open the Snowflake session');
    }
    return new SnowflakeWarehouse(session, config);
  },
};
