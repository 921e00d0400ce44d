/**
 * Retention sweeps: plan the targets of one data type (the platform's policy, and each connector with
 * one of its own), delete what is past its window, prove with a second query that nothing past it is
 * left, and record proofs and compliance alerts in the audit log (counts only, no personal data).
 */
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import {
  connectorRetentionWindow,
  RETENTION_DATA_TYPES,
  retentionWindow,
  retentionWindowMs,
  sweepDeadlineMs,
  type RetentionSettings,
  type RetentionSweepInput,
  type RetentionSweepReport,
  type SweepTarget,
  type SweepTargetResult,
} from '../../domain/privacy';
import { auditTrail, type ConnectWarehouse, type LogLine, type Notifying } from '../chores';
import { ACTIVITY_EFFECT_PREFIX, withinActivity } from '../effect-keys';
import type { Logger } from '../logger';
import { countRetentionSweep } from '../observability/record';
import type { Staging } from '../staging/staging';
import type { Store } from '../store/store';
import { sweepStagedFiles, type StagedScope } from './staged-files';
import { sweepWarehouse } from './warehouse-sweep';

export interface RetentionActivityDeps extends Notifying {
  store: Pick<Store, 'connectors' | 'privacy' | 'audit' | 'recordOnce' | 'forgetRecordedEffects'>;
  staging: Staging;
  connectWarehouse: ConnectWarehouse;
  logger: Logger;
  now?: () => Date;
}

type Deletion = Pick<SweepTargetResult, 'deleted' | 'remaining' | 'proof'>;

export function createRetentionActivities(deps: RetentionActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const trail = auditTrail({ store: deps.store, logger: deps.logger, now, notifier: deps.notifier });

  async function sweepFiles(target: SweepTarget, kind: 'staging' | 'quarantine', cutoff: Date): Promise<Deletion> {
    const scope: StagedScope =
      target.scope.kind === 'connector' ? { connectorId: target.scope.connectorId } : { except: target.scope.except };
    return { ...(await sweepStagedFiles(deps.staging, scope, kind, cutoff)), proof: `${kind} files modified before the cutoff` };
  }

  async function sweepTable(target: SweepTarget, cutoff: string): Promise<Deletion> {
    const { dataType, scope } = target;
    if (dataType !== 'audit-log' && dataType !== 'quality-reports' && dataType !== 'run-reports' && dataType !== 'webhook-inbox') {
      throw new Error(`${dataType} is not a control-plane table`);
    }
    const deleted = await deps.store.privacy.sweepControlPlane(dataType, scope, cutoff);
    // The keys that kept activities' counted writes (run reports, audit rows, metrics) to once per
    // execution go with the reports: no retry comes that late. They name executions, not people,
    // and belong to no connector. A load's key stays as long as the warehouse's ledger (effect-keys.ts).
    if (dataType === 'run-reports' && scope.kind === 'platform') {
      const forgotten = await deps.store.forgetRecordedEffects(cutoff, ACTIVITY_EFFECT_PREFIX);
      deps.logger.info({ cutoff, forgotten }, 'retention sweep forgot effect keys');
    }
    return {
      deleted,
      remaining: await deps.store.privacy.countPastWindow(dataType, scope, cutoff),
      proof: `${dataType} rows older than the cutoff`,
    };
  }

  async function sweep(target: SweepTarget, cutoff: Date): Promise<Deletion> {
    switch (target.dataType) {
      case 'staging':
      case 'quarantine':
        return sweepFiles(target, target.dataType, cutoff);
      case 'warehouse': {
        if (target.scope.kind !== 'connector') throw new Error('a warehouse sweep needs a connector');
        const connector = await deps.store.connectors.get(target.scope.connectorId);
        if (!connector) return { deleted: 0, remaining: 0, proof: 'connector deleted: no warehouse to sweep' };
        return sweepWarehouse(deps.connectWarehouse, connector, cutoff.toISOString());
      }
      default:
        return sweepTable(target, cutoff.toISOString());
    }
  }

  return {
    /** One target per connector with its own window for the data type, and one for everyone else. */
    async planRetentionSweep(input: RetentionSweepInput): Promise<SweepTarget[]> {
      const { dataType, settings } = input;
      const connectors = await deps.store.connectors.list();
      const own = connectors.filter((c) => c.configuration.retention !== undefined || dataType === 'warehouse');
      const targets: SweepTarget[] = own.map((c) => ({
        dataType,
        scope: { kind: 'connector', connectorId: c.id },
        window: connectorRetentionWindow(dataType, settings, c.configuration.retention),
      }));
      if (dataType === 'warehouse') return targets;
      return [
        ...targets,
        {
          dataType,
          scope: { kind: 'platform', except: own.map((c) => c.id) },
          window: retentionWindow(dataType, settings.regime, settings.windows),
        },
      ];
    },

    async sweepRetentionTarget(target: SweepTarget): Promise<SweepTargetResult> {
      const sweptAt = now();
      const cutoff = new Date(sweptAt.getTime() - retentionWindowMs(target.window));
      const deletion = await sweep(target, cutoff);
      const result: SweepTargetResult = { target, cutoff: cutoff.toISOString(), sweptAt: sweptAt.toISOString(), ...deletion };
      await deps.store.privacy.recordRetentionProof(result);
      return result;
    },

    /** Data types whose newest proof is older than their interval plus grace (never swept is not late). */
    async findLateSweeps(settings: RetentionSettings): Promise<RetentionSweepReport['late']> {
      const proofs = await deps.store.privacy.lastRetentionProofs();
      const deadline = now().getTime() - sweepDeadlineMs(settings);
      return RETENTION_DATA_TYPES.flatMap((dataType) => {
        const at = proofs[dataType];
        return at !== undefined && new Date(at).getTime() < deadline ? [{ dataType, lastProofAt: at }] : [];
      });
    },

    /** The proofs in the audit log; anything left, failed or late becomes a compliance alert too. */
    async recordRetentionSweep(report: RetentionSweepReport): Promise<void> {
      for (const [i, outcome] of report.outcomes.entries()) {
        const connectorId = outcome.target.scope.kind === 'connector' ? outcome.target.scope.connectorId : PLATFORM_AUDIT_ID;
        const common = { workflowId: report.workflowId, dataType: outcome.target.dataType, window: outcome.target.window };
        if (outcome.status === 'swept') {
          const { cutoff, proof, deleted, remaining } = outcome.result;
          await audit(`outcome/${i}`, connectorId, 'retention.swept', { ...common, cutoff, proof }, { deleted, remaining });
          if (remaining > 0)
            await alert(`outcome/${i}/alert`, connectorId, { ...common, kind: 'data-past-window', cutoff, proof }, { remaining });
        } else {
          await alert(`outcome/${i}/alert`, connectorId, { ...common, kind: 'sweep-failed', detail: outcome.detail }, {});
        }
      }
      for (const [i, late] of report.late.entries()) {
        await alert(
          `late/${i}`,
          PLATFORM_AUDIT_ID,
          { workflowId: report.workflowId, dataType: late.dataType, kind: 'sweep-late', lastProofAt: late.lastProofAt },
          {},
        );
      }
      countRetentionSweep(report);
    },
  };

  /** Each entry once, however often the activity is retried: `name` tells it from the activity's others. */
  async function audit(
    name: string,
    connectorId: string,
    activityType: string,
    details: Record<string, unknown>,
    metrics: Record<string, number>,
    log?: LogLine,
  ): Promise<void> {
    await trail.record(
      { connectorId, userId: 'retention-sweep' },
      { activityType, details, metrics },
      { key: withinActivity(name), ...(log && { log }) },
    );
  }

  async function alert(
    name: string,
    connectorId: string,
    details: Record<string, unknown> & { kind: string },
    metrics: Record<string, number>,
  ): Promise<void> {
    await audit(name, connectorId, 'compliance.alert', details, metrics, {
      level: 'warn',
      fields: { connectorId, ...details, ...metrics },
      message: 'compliance alert: retention sweep',
    });
  }
}
