/**
 * Warehouse loaders read a batch's NDJSON by path (DuckDB's read_json, PostgreSQL's COPY…). This
 * wrapper is given staged files (their URIs) and hands the loader local plain files for the length of
 * one load (decrypted copies of sealed files, downloads from object storage), so every warehouse
 * plug-in works unchanged on encrypted staging and on staging in a bucket.
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
    // The models read the stream tables, never a staged file.
    ...(warehouse.derived ? { derived: warehouse.derived } : {}),
    close: () => warehouse.close(),
  };
}
