/**
 * The embedded warehouse: one DuckDB file, the default destination. Self-hosted, so a load costs
 * nothing beyond the machine it runs on.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { definePlugin } from '../base';
import { deleteMatching, findHeldValues } from '../matching-rows';
import { qualifiedName } from '../sql';
import type { DestinationConfigOf, WarehouseCapabilities, WarehousePricing } from '../types';
import { acquire, release } from './connection';
import { duckdbDialect, materialise } from './derived';
import { asConnectorError } from './errors';
import { liveQuery } from './live-query';
import { loadBatch } from './load';
import { asOneLookup, matchingRows } from './matching-rows';
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

export const duckdbWarehouse = definePlugin<DestinationConfigOf<'duckdb'>>({
  kind: 'duckdb',
  capabilities: duckdbCapabilities,
  pricing: duckdbPricing,
  async open(config, { dataDir, duckdbMemoryLimit }) {
    const file = path.resolve(config.path ?? path.join(dataDir, 'warehouse.duckdb'));
    await mkdir(path.dirname(file), { recursive: true });
    const database = await acquire(file, duckdbMemoryLimit);
    const { schema } = config;
    // Writes take turns on the shared instance; reads run beside them.
    return {
      tableName: (table) => qualifiedName(schema, table),
      ensureTable: (stream) => database.exclusive((c) => ensureTables(c, schema, stream)),
      describeSchemaChanges: (stream) => database.withConnection((c) => describeSchemaChanges(c, schema, stream)),
      load: (batch) => database.exclusive((c) => loadBatch(c, schema, batch)),
      deleteRows: (stream, predicate, table) =>
        database.exclusive((c) => deleteMatching(matchingRows(c, schema, stream, table), predicate)),
      findHeldValues: (stream, lookups, table) =>
        database.withConnection((c) => findHeldValues(matchingRows(c, schema, stream, table), stream, asOneLookup(lookups))),
      query: (sql, params) => database.withConnection((c) => readOnlyQuery(c, sql, params)),
      liveQuery: (sql, limits, params) => database.withConnection((c) => liveQuery(c, schema, sql, limits, params)),
      derived: { dialect: duckdbDialect(schema), materialise: (tables) => database.exclusive((c) => materialise(c, schema, tables)) },
      // The last handle on a file closes DuckDB and frees the file.
      release: () => release(database),
      asConnectorError,
    };
  },
});
