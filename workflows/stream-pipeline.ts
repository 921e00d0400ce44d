/**
 * One stream of one cycle: extract, then for each staged batch validate, pass the guardrail gate,
 * load, and only then commit the cursor. Batches are in cursor order, so a stream stops at the first
 * batch it may not load and the next cycle starts from there.
 */
import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';
import { loadIdFor } from '../domain/constants';
import type { ApprovalOutcome, ApprovalResolution } from '../domain/approvals';
import type { BatchRef, LoadResult, QualitySummary, StreamReport } from '../domain/cycle';
import { control, extractorFor } from './activities';
import { passGate, type CycleContext } from './batch-gate';

export async function runStream(ctx: CycleContext, stream: string, report: StreamReport): Promise<void> {
  const { plan } = ctx;
  try {
    const extraction = await extractorFor(plan.source).extractStream({ connectorId: plan.connectorId, stream, cursor: plan.cursors[stream] ?? null });
    report.apiCalls = extraction.apiCalls;
    report.batches = extraction.batches.length;
    ctx.apiCallsThisCycle += extraction.apiCalls;

    for (const batch of extraction.batches) {
      report.extracted += batch.rows;
      const quality = await control.validateBatch({ connectorId: plan.connectorId, source: plan.source, batch });
      report.quarantined += quality.invalid;
      addCounts(report.failuresByRule, quality.failuresByRule);

      // Reserved before the gate measures, so streams gated at the same moment count each other's rows.
      ctx.rowsThisCycle += quality.valid;
      const gate = await passGate(ctx, stream, batch, quality, report);
      if (gate.action === 'stop') {
        ctx.rowsThisCycle -= quality.valid;
        report.outcome = gate.outcome;
        report.detail = gate.detail;
        settle(ctx, gate.approval, { loaded: 0, deleted: 0, keptBatch: batch.uri });
        return;
      }
      if (gate.action === 'dry-run') {
        report.outcome = 'dry-run';
        report.wouldLoad += quality.valid;
        continue;
      }
      if (gate.action === 'skip') ctx.rowsThisCycle -= quality.valid;
      try {
        const loaded = gate.action === 'load' ? await load(ctx, stream, batch, quality, report) : null;
        // A skipped batch is done too: the manager chose to move past it, so the cursor moves on.
        if (batch.cursorAfter) await control.commitCursor(plan.connectorId, stream, batch.cursorAfter);
        settle(ctx, gate.approval, loaded ? { loaded: loaded.merged, deleted: loaded.deleted, keptBatch: null } : { loaded: 0, deleted: 0, keptBatch: batch.uri });
      } catch (err) {
        // The decision's update waits for what it led to: tell it, or it (and the cycle) would wait forever.
        settle(ctx, gate.approval, { loaded: 0, deleted: 0, keptBatch: batch.uri });
        throw err;
      }
    }

    if (extraction.deferred) {
      report.outcome = 'deferred';
      report.detail = extraction.deferred.detail;
    }
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    // One stream failing must not fail the others: they keep their loads and cursors.
    report.outcome = 'failed';
    report.detail = err.cause instanceof ApplicationFailure ? err.cause.message : err.message;
    log.warn('stream failed', { connectorId: plan.connectorId, stream, detail: report.detail });
  }
}

async function load(ctx: CycleContext, stream: string, batch: BatchRef, quality: QualitySummary, report: StreamReport): Promise<LoadResult> {
  const loaded = await control.loadBatch({
    connectorId: ctx.plan.connectorId,
    userId: ctx.plan.userId,
    source: ctx.plan.source,
    stream,
    loadId: loadIdFor(ctx.plan.connectorId, stream, batch.sha256),
    clean: quality.clean,
    quarantine: quality.quarantine,
  });
  report.loaded += loaded.merged;
  report.deleted += loaded.deleted;
  return loaded;
}

/** Tells the approval's update what its decision led to. */
function settle(ctx: CycleContext, approval: ApprovalResolution | null, result: Pick<ApprovalOutcome, 'loaded' | 'deleted' | 'keptBatch'>): void {
  if (approval) ctx.gates.settle({ ...approval, ...result });
}

function addCounts(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [rule, count] of Object.entries(counts)) into[rule] = (into[rule] ?? 0) + count;
}
