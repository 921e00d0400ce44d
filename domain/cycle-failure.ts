/**
 * A cycle whose report says `failed` (a stream ended on an error its retries did not overcome, see
 * overallStatus) ends as a Failed workflow, so that an operator scanning the Web UI's list does not
 * read it as a success. The failure's details hold the report — figures and ids, never records, a
 * payload the codec encrypts like the result it replaces — so a client awaiting the run still gets it.
 * The message is plain text in the history: it names streams and the run, never a value. Workflow-safe.
 */
import { ApplicationFailure } from '@temporalio/common';
import { cycleReportSchema, type CycleReport } from './cycle';

/** The failure type of a cycle that ran to its end and failed (not of one that crashed before its report). */
export const CYCLE_FAILED = 'cycle-failed';

export function cycleFailure(report: CycleReport): ApplicationFailure {
  const failed = report.streams.filter((stream) => stream.outcome === 'failed').map((stream) => stream.stream);
  const which =
    failed.length === report.streams.length
      ? `every stream failed (${failed.join(', ')})`
      : `${failed.length} of ${report.streams.length} streams failed (${failed.join(', ')}); the others' loads are kept`;
  return ApplicationFailure.create({
    type: CYCLE_FAILED,
    message: `${which}; the run report ${report.workflowId} is stored`,
    details: [report],
    nonRetryable: true,
  });
}

/** The report a failed cycle carries, from what awaiting its result threw; null for any other error. */
export function reportOfFailedCycle(error: unknown): CycleReport | null {
  const cause = error instanceof Error ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure) || cause.type !== CYCLE_FAILED) return null;
  return cycleReportSchema.parse(cause.details?.[0]);
}

/** A cycle's report whether its run completed or failed; any other error (a crash, a termination) is thrown. */
export async function cycleReportOf(result: Promise<unknown>): Promise<CycleReport> {
  try {
    return cycleReportSchema.parse(await result);
  } catch (error) {
    const report = reportOfFailedCycle(error);
    if (report) return report;
    throw error;
  }
}
