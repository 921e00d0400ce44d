/**
 * Warehouse loaders read a batch's NDJSON by path (DuckDB's read_json, PostgreSQL's COPY…). This
 * wrapper hands them decrypted copies of sealed staged files for the length of one load, so every
 * warehouse plug-in works unchanged on encrypted staging.
 */
import type { Warehouse } from '../warehouses/types';
import type { Staging } from './staging';

export function loadingPlainFiles(warehouse: Warehouse, staging: Staging): Warehouse {
  return {
    ensureTable: (stream) => warehouse.ensureTable(stream),
    describeSchemaChanges: (stream) => warehouse.describeSchemaChanges(stream),
    load: (batch) =>
      staging.withPlainFiles([batch.cleanFile, batch.quarantineFile], ([cleanFile = null, quarantineFile = null]) =>
        warehouse.load({ ...batch, cleanFile, quarantineFile }),
      ),
    deleteWhere: (stream, predicate) => warehouse.deleteWhere(stream, predicate),
    findHeldValues: (stream, column, values) => warehouse.findHeldValues(stream, column, values),
    estimateLoadCost: (figures) => warehouse.estimateLoadCost(figures),
    query: (sql, params) => warehouse.query(sql, params),
    close: () => warehouse.close(),
  };
}
