/**
 * One ingestion cycle of a connector: plan, run every stream (each extracts, validates, passes the
 * guardrail gate and loads on its own), then record the outcome. Only references and figures pass
 * through this workflow's history, never records.
 */
import { allHandlersFinished, condition, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { searchAttributes } from '../domain/constants';
import type { CycleReport } from '../domain/cycle';
import { cycleFailure } from '../domain/cycle-failure';
import { cycleReportQuery, type IngestionCycleInput } from '../domain/messages';
import { control } from './activities';
import { ApprovalGates } from './approval-gates';
import type { CycleContext } from './batch-gate';
import { emptyStreamReport, overallStatus, startedReport } from './cycle-report';
import { refreshModelsAfterLoad } from './model-refresh';
import { runStream } from './stream-pipeline';

/** Marks the histories in which a failed cycle ends Failed; those recorded before it completed with the report. */
const FAILED_CYCLE_FAILS_PATCH = 'failed-cycle-fails';
/**
 * Marks the histories whose streams ask the account for their catalog entries on its queue
 * (stream-pipeline.ts); in those recorded before, the plan asked for the catalog itself.
 */
const DESCRIBES_ON_ACCOUNT_QUEUE_PATCH = 'describes-on-account-queue';

export async function ingestionCycle({ connectorId, trigger }: IngestionCycleInput): Promise<CycleReport> {
  const report = startedReport(workflowInfo().workflowId, connectorId);
  setHandler(cycleReportQuery, () => ({ ...report, status: gates.waiting().length > 0 ? 'awaiting-approval' : report.status }));
  const gates = new ApprovalGates();

  const plan = patched(DESCRIBES_ON_ACCOUNT_QUEUE_PATCH)
    ? await control.planCycle(connectorId, 'cycle', { describeOnAccountQueue: true })
    : await control.planCycle(connectorId);
  gates.usePolicy(plan.approvalPolicy);
  upsertSearchAttributes([
    { key: searchAttributes.connectorId, value: connectorId },
    { key: searchAttributes.source, value: plan.source },
    { key: searchAttributes.destination, value: plan.destination },
    { key: searchAttributes.cycleStatus, value: 'running' },
  ]);

  if (plan.paused) {
    report.status = 'skipped';
  } else if (plan.otherCycle) {
    report.status = 'skipped';
    report.detail = `cycle ${plan.otherCycle} of this connector is still running; this one started nothing`;
  } else {
    const ctx: CycleContext = { plan, gates, overrides: {}, rowsThisCycle: 0, apiCallsThisCycle: 0 };
    report.streams = plan.streams.map(emptyStreamReport);
    await Promise.all(report.streams.map((streamReport) => runStream(ctx, streamReport.stream, streamReport)));
    await refreshModelsAfterLoad(connectorId, report);
    report.status = overallStatus(report.streams);
  }

  report.finishedAt = new Date().toISOString();
  upsertSearchAttributes([{ key: searchAttributes.cycleStatus, value: report.status }]);
  await control.recordCycle({ report, userId: plan.userId, trigger });
  // A decision's update returns what it led to: let those handlers answer before the cycle closes.
  await condition(allHandlersFinished);
  // Only once the report is stored and the decisions answered: the failure loses nothing, and carries the report.
  if (report.status === 'failed' && patched(FAILED_CYCLE_FAILS_PATCH)) throw cycleFailure(report);
  return report;
}
