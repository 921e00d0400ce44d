/**
 * What a cycle records of itself: a blocked batch, and the finished cycle's report, day's metrics,
 * outcome and audit row (each once, however often Temporal retries the activity).
 */
import type { BatchRef, CyclePlan, CycleReport, QualitySummary } from '../domain/cycle';
import type { GuardrailBreach } from '../domain/guardrails';
import type { IngestionCycleInput } from '../domain/messages';
import type { AuditTrail } from './chores';
import { batchesBlocked } from './observability/metrics';
import { countCycle } from './observability/record';
import type { Store } from './store/store';

export interface CycleRecordDeps {
  store: Pick<Store, 'cycleClaims'>;
  audit: AuditTrail;
}

export function cycleRecords({ store, audit }: CycleRecordDeps) {
  return {
    /** A blocked batch is never loaded: it stays in staging, and the block is audited and alerted. */
    async recordBlockedBatch(input: {
      plan: CyclePlan;
      stream: string;
      batch: BatchRef;
      quality: QualitySummary;
      breaches: GuardrailBreach[];
    }): Promise<void> {
      const { plan, stream, batch, quality, breaches } = input;
      await audit.record(
        plan,
        {
          activityType: 'batch.blocked',
          details: {
            stream,
            batch: batch.uri,
            sha256: batch.sha256,
            qualityReportId: quality.reportId,
            breaches,
            failuresByRule: quality.failuresByRule,
          },
          metrics: { rows: batch.rows, invalid: quality.invalid, invalidShare: quality.invalidShare },
        },
        {
          counters: { batchesBlocked: 1 },
          log: {
            level: 'warn',
            fields: { connectorId: plan.connectorId, stream, breaches },
            message: 'batch blocked by guardrails: not loaded',
          },
        },
      );
      batchesBlocked.inc({ connector_id: plan.connectorId, stream });
    },

    /** The run report, the day's metrics, the outcome and the audit row of a finished cycle. */
    async recordCycle(input: { report: CycleReport; userId: string; trigger: IngestionCycleInput['trigger'] }): Promise<void> {
      const { report, userId, trigger } = input;
      const totals = totalsOf(report);
      // Released first: the rest only counts, and a failure in it must not keep the connector's next cycle out.
      await store.cycleClaims.release(report.connectorId, report.workflowId);
      const connector = { connectorId: report.connectorId, userId };
      await audit.record(
        connector,
        {
          activityType: `cycle.${report.status}`,
          details: {
            workflowId: report.workflowId,
            trigger,
            ...(report.detail && { detail: report.detail }),
            streams: report.streams.map(({ stream, outcome, detail }) => ({ stream, outcome, detail })),
          },
          metrics: totals,
        },
        {
          counters: {
            runs: 1,
            [`runs_${report.status}`]: 1,
            rowsExtracted: totals.extracted,
            rowsLoaded: totals.loaded,
            rowsDeleted: totals.deleted,
            rowsQuarantined: totals.quarantined,
            apiCalls: totals.apiCalls,
          },
          with: async (tx) => {
            await tx.runs.save(report);
            await tx.outcomes.record({
              ...connector,
              predicted: { rowsExtracted: totals.extracted },
              actual: { rowsLoaded: totals.loaded, rowsDeleted: totals.deleted, rowsQuarantined: totals.quarantined },
              accuracy: totals.extracted > 0 ? (totals.loaded + totals.deleted) / totals.extracted : null,
            });
          },
        },
      );
      countCycle(report);
    },
  };
}

function totalsOf(report: CycleReport) {
  const sum = (pick: (s: CycleReport['streams'][number]) => number) => report.streams.reduce((n, s) => n + pick(s), 0);
  return {
    extracted: sum((s) => s.extracted),
    loaded: sum((s) => s.loaded),
    deleted: sum((s) => s.deleted),
    quarantined: sum((s) => s.quarantined),
    apiCalls: sum((s) => s.apiCalls),
  };
}
