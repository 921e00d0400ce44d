/**
 * The activities behind the guardrail gate: measure a batch against what the cycle and the day have
 * already spent, and record alerts, approval requests and decisions (store row, audit row, metric).
 */
import type { ApprovalResolution, PendingApproval } from '../domain/approvals';
import type { SourceKind } from '../domain/connector';
import type { BatchRef, CyclePlan, QualitySummary } from '../domain/cycle';
import { gateFigures, type GateFigures, type GuardrailBreach } from '../domain/guardrails';
import { measureBatchFor } from './batch-measure';
import { auditTrail, BatchConnections, connectorOrFail, type ConnectWarehouse, type Notifying } from './chores';
import type { Logger } from './logger';
import { connectorStream } from './sources/connector-streams';
import type { Store } from './store/store';

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
      const { batch, quality } = input;
      const measure = await measureBatchFor({ store: deps.store, connections, now }, { connector, stream, batch, quality });
      return gateFigures(input.quality, measure, input);
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
