/**
 * One stream of one cycle: extract, then for each staged batch validate, check the guardrails, load,
 * and only then commit the cursor. Batches are in cursor order, so a stream stops at the first batch
 * it may not load and the next cycle starts from there.
 */
import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';
import { loadIdFor } from '../domain/constants';
import type { CyclePlan, StreamReport } from '../domain/cycle';
import { evaluateGuardrails } from '../domain/guardrails';
import { control, extractorFor } from './activities';

export async function runStream(plan: CyclePlan, stream: string, report: StreamReport): Promise<void> {
  try {
    const extraction = await extractorFor(plan.source).extractStream({
      connectorId: plan.connectorId,
      stream,
      cursor: plan.cursors[stream] ?? null,
    });
    report.apiCalls = extraction.apiCalls;
    report.batches = extraction.batches.length;

    for (const batch of extraction.batches) {
      report.extracted += batch.rows;
      const quality = await control.validateBatch({ connectorId: plan.connectorId, source: plan.source, batch });
      report.quarantined += quality.invalid;
      addCounts(report.failuresByRule, quality.failuresByRule);

      const breaches = evaluateGuardrails(plan.guardrails, quality);
      if (breaches.length > 0) {
        await control.recordBlockedBatch({ plan, stream, batch, quality, breaches });
        report.outcome = 'blocked';
        report.detail = breaches.map((b) => `${b.guardrail} ${b.actual.toFixed(3)} > ${b.limit}`).join('; ');
        return;
      }

      const loaded = await control.loadBatch({
        connectorId: plan.connectorId,
        source: plan.source,
        stream,
        loadId: loadIdFor(plan.connectorId, stream, batch.sha256),
        clean: quality.clean,
        quarantine: quality.quarantine,
      });
      report.loaded += loaded.merged;
      report.deleted += loaded.deleted;
      if (batch.cursorAfter) await control.commitCursor(plan.connectorId, stream, batch.cursorAfter);
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

function addCounts(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [rule, count] of Object.entries(counts)) into[rule] = (into[rule] ?? 0) + count;
}
