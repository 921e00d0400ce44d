/**
 * Snowflake over snowflake-sdk: password or key-pair login, small batches bound as arrays and large
 * ones staged (PUT + COPY INTO), merged by primary key in one transaction with the ledger; stream
 * tables clustered by customer. Billed per second of warehouse time.
 */
import { definePlugin } from '../base';
import { findHeldValues } from '../matching-rows';
import type { WarehouseCapabilities, WarehousePricing } from '../types';
import { type SnowflakeDestinationConfig, openSession } from './connection';
import { materialise, snowflakeDialect } from './derived';
import { asConnectorError } from './errors';
import { loadBatch } from './load';
import { matchingRows } from './matching-rows';
import { tableName } from './names';
import { readOnlyQuery } from './query';
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

export const snowflakeWarehouse = definePlugin<SnowflakeDestinationConfig>({
  kind: 'snowflake',
  capabilities: snowflakeCapabilities,
  pricing: snowflakePricing,
  async open(config) {
    const session = await openSession(config);
    const { schema } = config;
    // Every operation has the session to itself: a session holds one transaction.
    return {
      tableName: (table) => tableName(schema, table),
      ensureTable: (stream) => session.exclusive((s) => ensureTables(s, schema, stream)),
      describeSchemaChanges: (stream) => session.exclusive((s) => describeSchemaChanges(s, schema, stream)),
      load: (batch) => session.exclusive((s) => loadBatch(s, config, batch)),
      // A missing table is told by Snowflake's error code, not by a look at the catalog first (matching-rows.ts).
      deleteRows: (stream, predicate, table) => session.exclusive((s) => matchingRows(s, schema, stream, table).delete(predicate)),
      findHeldValues: (stream, lookups, table) =>
        session.exclusive((s) => findHeldValues(matchingRows(s, schema, stream, table), stream, lookups)),
      query: (sql, params) => session.exclusive((s) => readOnlyQuery(s, sql, params)),
      derived: { dialect: snowflakeDialect(schema), materialise: (tables) => session.exclusive((s) => materialise(s, schema, tables)) },
      // The session ends on the server, its temporary tables and stages with it.
      release: () => session.close(),
      asConnectorError,
    };
  },
});
