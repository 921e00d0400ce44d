/**
 * One scheduled sweep of one data type: every target is swept and proven, a failed target is
 * reported rather than stopping the others, and a late earlier sweep is flagged before this one
 * refreshes the proofs. Only targets, counts and cutoffs pass through history.
 */
import { ActivityFailure, ApplicationFailure, workflowInfo } from '@temporalio/workflow';
import type { RetentionSweepInput, RetentionSweepReport, SweepOutcome } from '../domain/privacy';
import { retention } from './privacy-activities';

export async function retentionSweep(input: RetentionSweepInput): Promise<RetentionSweepReport> {
  const late = await retention.findLateSweeps(input.settings);
  const targets = await retention.planRetentionSweep(input);
  const outcomes: SweepOutcome[] = [];
  for (const target of targets) {
    try {
      outcomes.push({ target, status: 'swept', result: await retention.sweepRetentionTarget(target) });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      outcomes.push({ target, status: 'failed', detail: err.cause instanceof ApplicationFailure ? err.cause.message : err.message });
    }
  }
  const report: RetentionSweepReport = { workflowId: workflowInfo().workflowId, dataType: input.dataType, outcomes, late };
  await retention.recordRetentionSweep(report);
  return report;
}
