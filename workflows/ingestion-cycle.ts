/**
 * One ingestion cycle of a connector: plan, run every stream (each extracts, validates, passes the
 * guardrail gate and loads on its own), then record the outcome. Only references and figures pass
 * through this workflow's history, never records. A cycle whose history grows long (a backfill of
 * millions of rows) continues as new between batches, its report and reads carried to the next run.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { searchAttributes } from '../domain/constants';
import type { ContinuedCycle, CyclePlan, CycleReport, StoppedRead } from '../domain/cycle';
import { cycleFailure } from '../domain/cycle-failure';
import { cycleReportQuery, type IngestionCycleInput } from '../domain/messages';
import { control } from './activities';
import { ApprovalGates } from './approval-gates';
import type { CycleContext } from './batch-gate';
import { emptyStreamReport, overallStatus, startedReport } from './cycle-report';
import { refreshModelsAfterLoad } from './model-refresh';
import { resumeStream, runStream } from './stream-pipeline';

/** Marks the histories in which a failed cycle ends Failed; those recorded before it completed with the report. */
const FAILED_CYCLE_FAILS_PATCH = 'failed-cycle-fails';
/**
 * Marks the histories whose streams ask the account for their catalog entries on its queue
 * (stream-pipeline.ts); in those recorded before, the plan asked for the catalog itself.
 */
const DESCRIBES_ON_ACCOUNT_QUEUE_PATCH = 'describes-on-account-queue';

export async function ingestionCycle({ connectorId, trigger, continued }: IngestionCycleInput): Promise<CycleReport> {
  const report = continued?.report ?? startedReport(workflowInfo().workflowId, connectorId);
  setHandler(cycleReportQuery, () => ({ ...report, status: gates.waiting().length > 0 ? 'awaiting-approval' : report.status }));
  const gates = new ApprovalGates(continued?.settledApprovals);

  // A continued cycle holds its claim on the connector still (the workflow id is the same) and goes on with its plan.
  const plan = continued?.plan ?? (await planCycle(connectorId));
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
    const stopped: StoppedRead[] = [];
    const ctx: CycleContext = {
      plan,
      gates,
      overrides: continued?.overrides ?? {},
      rowsThisCycle: continued?.rowsThisCycle ?? 0,
      apiCallsThisCycle: continued?.apiCallsThisCycle ?? 0,
      stopped,
    };
    await readStreams(ctx, report, continued);
    if (stopped.length > 0) {
      // The history has grown long: the reads stopped between batches go on in a fresh run of this cycle.
      await condition(allHandlersFinished);
      const { overrides, rowsThisCycle, apiCallsThisCycle } = ctx;
      const next: ContinuedCycle = {
        plan,
        report,
        overrides,
        rowsThisCycle,
        apiCallsThisCycle,
        reads: stopped,
        settledApprovals: gates.settled(),
      };
      return continueAsNew<typeof ingestionCycle>({ connectorId, trigger, continued: next });
    }
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

/** Every stream of the plan; in a continued run, the reads its run before stopped, where each stopped. */
async function readStreams(ctx: CycleContext, report: CycleReport, continued: ContinuedCycle | undefined): Promise<void> {
  if (!continued) {
    report.streams = ctx.plan.streams.map(emptyStreamReport);
    await Promise.all(report.streams.map((streamReport) => runStream(ctx, streamReport.stream, streamReport)));
    return;
  }
  await Promise.all(
    report.streams.map(async (streamReport) => {
      const reads = continued.reads.filter((read) => read.stream === streamReport.stream);
      if (reads.length > 0) await resumeStream(ctx, streamReport.stream, streamReport, reads);
    }),
  );
}

function planCycle(connectorId: string): Promise<CyclePlan> {
  return patched(DESCRIBES_ON_ACCOUNT_QUEUE_PATCH)
    ? control.planCycle(connectorId, 'cycle', { describeOnAccountQueue: true })
    : control.planCycle(connectorId);
}
