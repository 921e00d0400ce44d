/**
 * Measuring a batch for the guardrail gate: the rows its table holds, the schema changes it brings,
 * what loading it would cost, and what the day has spent already. The gate's measureBatch asks it, as
 * does the quality gate's validateBatch when the cycle wants the figures in the same step.
 */
import type { Connector } from '../domain/connector';
import { loadIdFor } from '../domain/constants';
import type { BatchRef, QualitySummary } from '../domain/cycle';
import { schemaChangesBetween, type BatchMeasure, type SchemaChange } from '../domain/guardrails';
import type { StreamDefinition } from '../domain/streams/types';
import { utcDate, type BatchConnections } from './chores';
import type { Store } from './store/store';
import type { Warehouse, SchemaChange as WarehouseSchemaChange } from './warehouses/types';

export interface BatchMeasureDeps {
  store: Pick<Store, 'streamSchemas' | 'metrics'>;
  /** The batch's connection, kept for its load when the load follows on this worker. */
  connections: BatchConnections;
  now: () => Date;
}

export interface MeasuredBatch {
  connector: Pick<Connector, 'id' | 'configuration'>;
  stream: StreamDefinition;
  batch: Pick<BatchRef, 'sha256'>;
  quality: Pick<QualitySummary, 'valid' | 'clean'>;
}

export async function measureBatchFor(deps: BatchMeasureDeps, { connector, stream, batch, quality }: MeasuredBatch): Promise<BatchMeasure> {
  const loadedColumns = await deps.store.streamSchemas.get(connector.id, stream.name);
  const destination = connector.configuration.destination;
  const date = utcDate(deps.now());
  const spent = (await deps.store.metrics.list(connector.id)).find((m) => m.date === date)?.metrics ?? {};
  return deps.connections.use(loadIdFor(connector.id, stream.name, batch.sha256), destination, async (warehouse) => ({
    // Before the first load the table may not exist: it holds no rows to delete.
    tableRows: loadedColumns === null ? 0 : await countRows(warehouse, destination.schema, stream.table),
    schemaChanges: mergeSchemaChanges(schemaChangesBetween(loadedColumns, stream.columns), await warehouse.describeSchemaChanges(stream)),
    estimatedCostUsd: warehouse.estimateLoadCost({ rows: quality.valid, bytes: quality.clean?.bytes ?? 0 }).amountUsd,
    apiCallsRecordedToday: spent.apiCalls ?? 0,
    costRecordedTodayUsd: spent.costUsd ?? 0,
  }));
}

/**
 * The stream's changes since its last load, then what the warehouse's own table says on top: a table
 * altered in the warehouse by hand differs from the stream though the stored schema does not. A
 * widening is safe and applied by design, so it is no guardrail matter. One entry per column, the
 * stored-schema one first.
 */
function mergeSchemaChanges(stored: readonly SchemaChange[], warehouse: readonly WarehouseSchemaChange[]): SchemaChange[] {
  const merged = [...stored];
  const seen = new Set(stored.map((change) => change.column));
  for (const { column, change, from, to } of warehouse) {
    if (change === 'widened' || seen.has(column)) continue;
    seen.add(column);
    merged.push({ column, change, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) });
  }
  return merged;
}

async function countRows(warehouse: Warehouse, schema: string, table: string): Promise<number> {
  const [row] = await warehouse.query(`select count(*) as n from ${schema}.${table}`);
  return Number(row?.n ?? 0);
}
