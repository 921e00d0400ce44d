/**
 * Google BigQuery through @google-cloud/bigquery 8 (9 needs Node 22): staged NDJSON goes up by load
 * jobs, one transactional script merges it under the ledger; stream tables are partitioned by event
 * date and clustered by customer. Billed per byte a query scans (on-demand pricing).
 */
import { definePlugin } from '../base';
import { deleteMatching, findHeldValues } from '../matching-rows';
import type { DestinationConfigOf, WarehouseCapabilities, WarehousePlugin, WarehousePricing } from '../types';
import { openSession, runSql, type RetryOptions, type Session } from './connection';
import { bigqueryDialect, materialise } from './derived';
import { loadBatch } from './load';
import { matchingRows } from './matching-rows';
import { tablePath } from './statements';
import { bookkeepingOnce, describeSchemaChanges, ensureStreamTable } from './tables';
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

/**
 * Positional `?` parameters. BigQuery has no read-only session: grant the analysing principal
 * BigQuery Data Viewer only if that matters; the plug-in sends the SQL as given.
 */
function query(session: Session, sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
  const { values, types } = positionalParameters(params);
  const bound = values.length > 0 ? { params: values, types } : {};
  return runSql(session, { sql, ...bound }, 'query');
}

export interface BigQueryPluginOptions {
  /** The SDK's own retries of throttled and failed requests; its defaults when omitted. */
  retryOptions?: RetryOptions;
}

export function createBigQueryPlugin(options: BigQueryPluginOptions = {}): WarehousePlugin<DestinationConfigOf<'bigquery'>> {
  return definePlugin({
    kind: 'bigquery',
    capabilities: bigqueryCapabilities,
    pricing: bigqueryPricing,
    async open(config) {
      const session = await openSession(config, options.retryOptions);
      // The dataset, ledger, quarantine and tombstones are checked once per connection.
      const ensureBookkeeping = bookkeepingOnce(session);
      return {
        tableName: (table) => tablePath(session.projectId, session.datasetId, table),
        ensureTable: async (stream) => {
          await ensureBookkeeping();
          return ensureStreamTable(session, stream);
        },
        describeSchemaChanges: (stream) => describeSchemaChanges(session, stream),
        load: (batch) => loadBatch(session, batch),
        deleteRows: (stream, predicate, table) => deleteMatching(matchingRows(session, stream, table), predicate),
        findHeldValues: (stream, lookups, table) => findHeldValues(matchingRows(session, stream, table), stream, lookups),
        query: (sql, params) => query(session, sql, params),
        derived: { dialect: bigqueryDialect(session.projectId, session.datasetId), materialise: (tables) => materialise(session, tables) },
        // The client holds no connection to release.
        release: async () => undefined,
      };
    },
  });
}

export const bigqueryWarehouse = createBigQueryPlugin();
