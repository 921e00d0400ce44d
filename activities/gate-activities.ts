/**
 * The activities behind the guardrail gate: measure a batch against what the cycle and the day have
 * already spent, and record alerts, approval requests and decisions (store row, audit row, metric).
 */
import type { ApprovalResolution, PendingApproval } from '../domain/approvals';
import type { SourceKind } from '../domain/connector';
import { loadIdFor } from '../domain/constants';
import type { BatchRef, CyclePlan, QualitySummary } from '../domain/cycle';
import { schemaChangesBetween, type GateFigures, type GuardrailBreach, type SchemaChange } from '../domain/guardrails';
import { auditTrail, BatchConnections, connectorOrFail, utcDate, type ConnectWarehouse, type Notifying } from './chores';
import type { Logger } from './logger';
import { connectorStream } from './sources/connector-streams';
import type { Store } from './store/store';
import type { Warehouse, SchemaChange as WarehouseSchemaChange } from './warehouses/types';

/** What the gate's activities use of the store. */
export type GateStore = Pick<Store, 'connectors' | 'streamSchemas' | 'sourceCatalogs' | 'metrics' | 'approvals' | 'audit' | 'recordOnce'>;

export interface GateActivityDeps extends Notifying {
  store: GateStore;
  connectWarehouse: ConnectWarehouse;
  /** The batch's connection, kept for its load (one per worker, shared with the cycle's activities); a connection per measure without. */
  batchConnections?: BatchConnections;
  logger: Logger;
  now?: () => Date;
}

export function createGateActivities(deps: GateActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const connections = deps.batchConnections ?? new BatchConnections(deps.connectWarehouse, 0);
  const audit = auditTrail({ store: deps.store, logger: deps.logger, now, notifier: deps.notifier });

  async function today(connectorId: string): Promise<Record<string, number>> {
    const date = utcDate(now());
    return (await deps.store.metrics.list(connectorId)).find((m) => m.date === date)?.metrics ?? {};
  }

  return {
    async measureBatch(input: {
      connectorId: string;
      source: SourceKind;
      stream: string;
      batch: BatchRef;
      quality: QualitySummary;
      rowsThisCycle: number;
      apiCallsThisCycle: number;
    }): Promise<GateFigures> {
      const connector = await connectorOrFail(deps.store.connectors, input.connectorId);
      const { stream } = await connectorStream(deps.store.sourceCatalogs, input.connectorId, connector.configuration.source, input.stream);
      const loadedColumns = await deps.store.streamSchemas.get(input.connectorId, stream.name);
      const destination = connector.configuration.destination;

      // Measured on the connection the batch's load will use, when the load follows on this worker.
      return connections.use(loadIdFor(input.connectorId, stream.name, input.batch.sha256), destination, async (warehouse) => {
        // Before the first load the table may not exist: it holds no rows to delete.
        const tableRows = loadedColumns === null ? 0 : await countRows(warehouse, destination.schema, stream.table);
        const estimatedCostUsd = warehouse.estimateLoadCost({
          rows: input.quality.valid,
          bytes: input.quality.clean?.bytes ?? 0,
        }).amountUsd;
        const schemaChanges = mergeSchemaChanges(
          schemaChangesBetween(loadedColumns, stream.columns),
          await warehouse.describeSchemaChanges(stream),
        );
        const spent = await today(input.connectorId);
        return {
          rowsThisCycle: input.rowsThisCycle,
          evaluated: input.quality.evaluated,
          invalid: input.quality.invalid,
          invalidShare: input.quality.invalidShare,
          deletes: input.quality.deletes,
          tableRows,
          schemaChanges,
          apiCallsThisCycle: input.apiCallsThisCycle,
          apiCallsToday: (spent.apiCalls ?? 0) + input.apiCallsThisCycle,
          estimatedCostUsd,
          costTodayUsd: (spent.costUsd ?? 0) + estimatedCostUsd,
          failedExpectations: input.quality.batchFailures ?? [],
        };
      });
    },

    /** Automation level `auto`: the batch loads, and the breach is audited and alerted. */
    async recordGuardrailAlert(input: {
      plan: CyclePlan;
      stream: string;
      batch: BatchRef;
      breaches: GuardrailBreach[];
      figures: GateFigures;
    }): Promise<void> {
      const { plan, stream, batch, breaches, figures } = input;
      await audit.record(
        plan,
        { activityType: 'guardrail.alerted', details: { stream, sha256: batch.sha256, breaches, figures: { ...figures } } },
        {
          counters: { guardrailAlerts: 1 },
          log: {
            level: 'warn',
            fields: { connectorId: plan.connectorId, stream, breaches },
            message: 'guardrail crossed: loading anyway (automation level auto)',
          },
        },
      );
    },

    async recordApprovalRequested(pending: PendingApproval): Promise<void> {
      await audit.record(
        pending,
        {
          activityType: 'approval.requested',
          details: {
            approvalId: pending.approvalId,
            stream: pending.stream,
            reason: pending.reason,
            breaches: pending.breaches,
            deadline: pending.deadline,
            figures: { ...pending.figures },
          },
        },
        {
          counters: { approvalsRequested: 1 },
          with: (tx) => tx.approvals.saveRequest(pending),
          log: {
            level: 'warn',
            fields: { connectorId: pending.connectorId, approvalId: pending.approvalId },
            message: 'a load waits for a manager',
          },
        },
      );
    },

    /** Who decided what, when, on which figures: recorded before anything is loaded. */
    async recordApprovalResolved(input: { pending: PendingApproval; resolution: ApprovalResolution }): Promise<void> {
      const { pending, resolution } = input;
      await audit.record(
        pending,
        {
          activityType: `approval.${resolution.decision}`,
          details: { ...resolution, stream: pending.stream, breaches: pending.breaches, figures: { ...pending.figures } },
        },
        { counters: { [`approvals_${resolution.decision}`]: 1 }, with: (tx) => tx.approvals.saveResolution(resolution) },
      );
    },
  };
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
