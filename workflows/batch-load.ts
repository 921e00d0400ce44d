/**
 * A batch's last steps: load it, and move the read's cursor to its end, only forward and never over a
 * position another cycle wrote. Since `load-commits-cursor` the load moves the cursor itself.
 */
import { patched } from '@temporalio/workflow';
import { loadIdFor } from '../domain/constants';
import type { BatchRef, LoadResult, QualitySummary, StreamCursor, StreamReport } from '../domain/cycle';
import { control } from './activities';
import type { CycleContext } from './batch-gate';

/** A read's cursor in the store: its key and the value last committed (or planned). */
export interface CommittedCursor {
  key: string;
  committed: { cursor: StreamCursor | null };
}

/** Moves the read's cursor from the value it committed last to the batch's end; only forward, never over another's. */
export async function commit(ctx: CycleContext, { key, committed }: CommittedCursor, batch: BatchRef): Promise<void> {
  if (!batch.cursorAfter) return;
  await control.commitCursor(ctx.plan.connectorId, key, batch.cursorAfter, committed.cursor);
  committed.cursor = batch.cursorAfter;
}

/** Marks the histories whose loads commit the read's cursor themselves; in those recorded before, commitCursor followed each load. */
const LOAD_COMMITS_CURSOR_PATCH = 'load-commits-cursor';

export async function load(
  ctx: CycleContext,
  stream: string,
  batch: BatchRef,
  quality: QualitySummary,
  report: StreamReport,
  { key, committed }: CommittedCursor,
): Promise<LoadResult> {
  const commits = batch.cursorAfter !== null && patched(LOAD_COMMITS_CURSOR_PATCH);
  const loaded = await control.loadBatch({
    connectorId: ctx.plan.connectorId,
    userId: ctx.plan.userId,
    source: ctx.plan.source,
    stream,
    loadId: loadIdFor(ctx.plan.connectorId, stream, batch.sha256),
    clean: quality.clean,
    quarantine: quality.quarantine,
    suppressed: quality.suppressed ?? 0,
    // The gate wrote the clean rows screened for consent: the load reads them again only for erasures since.
    ...(quality.withoutConsent !== undefined && { withoutConsent: quality.withoutConsent }),
    ...(commits && batch.cursorAfter && { commit: { key, cursor: batch.cursorAfter, previous: committed.cursor } }),
  });
  report.loaded += loaded.merged;
  report.deleted += loaded.deleted;
  report.suppressed += loaded.suppressed;
  report.withoutConsent += loaded.withoutConsent;
  if (loaded.cursorCommitted && batch.cursorAfter) committed.cursor = batch.cursorAfter;
  return loaded;
}
