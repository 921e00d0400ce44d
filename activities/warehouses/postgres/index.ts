/**
 * PostgreSQL as the warehouse, through a pg pool: COPY into a temporary table, then INSERT … ON
 * CONFLICT, all in one transaction. Self-hosted, so a load costs nothing beyond the server it runs on.
 */
import type { PoolClient } from 'pg';
import { definePlugin } from '../base';
import { deleteMatching, findHeldValues } from '../matching-rows';
import { qualifiedName } from '../sql';
import type { DestinationConfigOf, WarehouseCapabilities, WarehousePricing } from '../types';
import { inTransaction, openPool } from './connection';
import { materialise, postgresDialect } from './derived';
import { liveQuery } from './live-query';
import { loadBatch } from './load';
import { matchingRows } from './matching-rows';
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

export const postgresWarehouse = definePlugin<DestinationConfigOf<'postgres'>>({
  kind: 'postgres',
  capabilities: postgresCapabilities,
  pricing: postgresPricing,
  async open(config) {
    const pool = await openPool(config.url);
    const { schema } = config;
    const writing = <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => inTransaction(pool, work);
    const reading = <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => inTransaction(pool, work, { readOnly: true });
    return {
      tableName: (table) => qualifiedName(schema, table),
      ensureTable: (stream) => writing((client) => ensureTables(client, schema, stream)),
      describeSchemaChanges: (stream) => reading((client) => describeSchemaChanges(client, schema, stream)),
      load: (batch) => loadBatch(pool, schema, batch),
      deleteRows: (stream, predicate, table) => writing((c) => deleteMatching(matchingRows(c, schema, stream, table), predicate)),
      findHeldValues: (stream, lookups, table) => reading((c) => findHeldValues(matchingRows(c, schema, stream, table), stream, lookups)),
      query: (sql, params) => readOnlyQuery(pool, sql, params),
      liveQuery: (sql, limits, params) => liveQuery(pool, schema, sql, limits, params),
      derived: { dialect: postgresDialect(schema), materialise: (tables) => writing((client) => materialise(client, schema, tables)) },
      // pool.end() waits for checked-out connections too.
      release: () => pool.end(),
    };
  },
});
