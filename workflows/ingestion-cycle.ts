/**
 * One ingestion cycle of a connector: plan, run every stream (each extracts, validates, passes the
 * guardrails and loads on its own), then record the outcome. Only references and figures pass
 * through this workflow's history, never records.
 */
import { setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { searchAttributes } from '../domain/constants';
import type { CycleReport, CycleStatus, StreamReport } from '../domain/cycle';
import { cycleReportQuery, type IngestionCycleInput } from '../domain/messages';
import { control } from './activities';
import { runStream } from './stream-pipeline';

export async function ingestionCycle({ connectorId, trigger }: IngestionCycleInput): Promise<CycleReport> {
  const report: CycleReport = {
    workflowId: workflowInfo().workflowId,
    connectorId,
    status: 'running',
    startedAt: new Date().toISOString(),
    finishedAt: null,
    streams: [],
  };
  setHandler(cycleReportQuery, () => report);

  const plan = await control.planCycle(connectorId);
  upsertSearchAttributes([
    { key: searchAttributes.connectorId, value: connectorId },
    { key: searchAttributes.source, value: plan.source },
    { key: searchAttributes.destination, value: plan.destination },
    { key: searchAttributes.cycleStatus, value: 'running' },
  ]);

  if (plan.paused) {
    report.status = 'skipped';
  } else {
    report.streams = plan.streams.map(emptyStreamReport);
    await Promise.all(report.streams.map((streamReport) => runStream(plan, streamReport.stream, streamReport)));
    report.status = overallStatus(report.streams);
  }

  report.finishedAt = new Date().toISOString();
  upsertSearchAttributes([{ key: searchAttributes.cycleStatus, value: report.status }]);
  await control.recordCycle({ report, userId: plan.userId, trigger });
  return report;
}

function emptyStreamReport(stream: string): StreamReport {
  return { stream, outcome: 'loaded', batches: 0, extracted: 0, loaded: 0, deleted: 0, quarantined: 0, apiCalls: 0, failuresByRule: {} };
}

/** The worst stream outcome decides: failed, then blocked, then deferred. */
function overallStatus(streams: StreamReport[]): CycleStatus {
  const outcomes = new Set(streams.map((s) => s.outcome));
  if (outcomes.has('failed')) return 'failed';
  if (outcomes.has('blocked')) return 'blocked';
  if (outcomes.has('deferred')) return 'deferred';
  return 'completed';
}
