/**
 * One stream of one cycle: read it page by page (each partition on its own, in parallel), gather the
 * pages into batches, and for each batch validate, pass the guardrail gate, load, and only then
 * commit the cursor. Batches are in cursor order, so a read stops at the first batch it may not load
 * and the next cycle starts from there.
 */
import { ActivityFailure, ApplicationFailure, log, patched } from '@temporalio/workflow';
import type { ApprovalOutcome, ApprovalResolution } from '../domain/approvals';
import { cursorKey, type BatchRef, type ExtractedPage, type StoppedRead, type StreamReport } from '../domain/cycle';
import { control, extractorFor } from './activities';
import { passGate, type CycleContext } from './batch-gate';
import { commit, load, type CommittedCursor } from './batch-load';
import { stopsForContinueAsNew } from './cycle-continuation';

export async function runStream(ctx: CycleContext, stream: string, report: StreamReport): Promise<void> {
  const partitions = ctx.plan.partitions[stream] ?? [];
  await failingAlone(ctx, stream, report, async () => {
    if (ctx.plan.describeStreams?.includes(stream) && !(await describe(ctx, stream, report))) return [];
    return (partitions.length > 0 ? partitions : [null]).map((partition) => runRead(ctx, stream, partition, report, null));
  });
}

/** The reads of a stream that an earlier run of the cycle stopped between batches, going on where each stopped. */
export async function resumeStream(ctx: CycleContext, stream: string, report: StreamReport, reads: StoppedRead[]): Promise<void> {
  await failingAlone(ctx, stream, report, async () => reads.map((read) => runRead(ctx, stream, read.partition, report, read)));
}

/**
 * Marks the histories in which a stream whose read of one partition failed waits for its other
 * partitions' reads before it counts as failed; in those recorded before, it counted at once and
 * the others went on unawaited, their batches missing from the report.
 */
const PARTITIONS_SETTLE_PATCH = 'partitions-settle-before-stream-fails';

/** Runs a stream's reads; one stream failing must not fail the others: they keep their loads and cursors. */
async function failingAlone(
  ctx: CycleContext,
  stream: string,
  report: StreamReport,
  startReads: () => Promise<Promise<void>[]>,
): Promise<void> {
  let reads: Promise<void>[] = [];
  try {
    reads = await startReads();
    await Promise.all(reads);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    // The other partitions' reads finish (or stop for continue-as-new), so none runs on past the cycle's end unreported.
    if (reads.length > 1 && patched(PARTITIONS_SETTLE_PATCH)) await Promise.allSettled(reads);
    report.outcome = 'failed';
    report.detail = err.cause instanceof ApplicationFailure ? err.cause.message : err.message;
    log.warn('stream failed', { connectorId: ctx.plan.connectorId, stream, detail: report.detail });
  }
}

/**
 * Asks the account for the stream's catalog entry on its queue, before any partition reads by it; its
 * requests count as the stream's. False when the daily quota is spent: the stream is deferred.
 */
async function describe(ctx: CycleContext, stream: string, report: StreamReport): Promise<boolean> {
  const described = await extractorFor(ctx.plan).describeStream({ connectorId: ctx.plan.connectorId, stream });
  report.apiCalls += described.apiCalls;
  ctx.apiCallsThisCycle += described.apiCalls;
  if (!described.deferred) return true;
  report.outcome = 'deferred';
  report.detail = described.deferred.detail;
  return false;
}

/**
 * Marks the histories whose reads ask for the next page before the batch in hand is validated and
 * loaded; in those recorded before it, each page was read only once the batch before it was committed.
 */
const READS_AHEAD_PATCH = 'reads-ahead';

/**
 * Marks the histories in which a page without rows (a bulk job's check) lets the pages held go as a
 * batch; in those recorded before, they waited for the next page with rows.
 */
const BUSY_SOURCE_RELEASES_HELD_PATCH = 'busy-source-releases-held-pages';

/** A page read under way, settled either way: one abandoned by a stopped read never rejects unobserved. */
type PageRead = Promise<{ page: ExtractedPage } | { error: unknown }>;

/**
 * Marks the histories whose reads go on while a batch is checked and loaded, up to the next batch's
 * pages; in those recorded before, the read waited for each batch's load before it asked for more.
 */
const LOADS_WHILE_READING_PATCH = 'loads-while-reading';

/** A batch being checked and loaded, settled either way: whether the read may go on past it, or what failed. */
type BatchRun = Promise<{ goOn: boolean } | { error: unknown }>;

/** Batches a read hands over before it waits: one checked and loaded, one next, while the pages of a third are read. */
const BATCHES_IN_HAND = 2;

/**
 * One read of a stream, or of one partition of it, from its committed cursor until caught up. The
 * read goes on while batches are checked and loaded, one after another, so the source and the
 * warehouse work at the same time; cursors still commit batch by batch, in order.
 */
async function runRead(
  ctx: CycleContext,
  stream: string,
  partition: string | null,
  report: StreamReport,
  resumed: StoppedRead | null,
): Promise<void> {
  const { plan } = ctx;
  const key = cursorKey(stream, partition);
  let cursor = resumed ? resumed.cursor : (plan.cursors[key] ?? null);
  // What the store holds: a commit names it, so a cursor moved by anything else is never overwritten.
  const committed = { cursor: resumed ? resumed.committed : cursor };
  let pages: BatchRef[] = [];
  let rows = 0;
  const unloaded: UnloadedRows = { held: resumed?.held ?? null };
  const readsAhead = patched(READS_AHEAD_PATCH);
  const read = (pageToken: string | null): PageRead =>
    extractorFor(plan)
      .extractPage({ connectorId: plan.connectorId, stream, partition, cursor, pageToken })
      .then(
        (page) => ({ page }),
        (error: unknown) => ({ error }),
      );
  const count = (page: ExtractedPage) => {
    report.apiCalls += page.apiCalls;
    ctx.apiCallsThisCycle += page.apiCalls;
  };
  let reading: PageRead | null = resumed ? Promise.resolve({ page: resumed.nextPage }) : read(null);
  // Batches handed over to be checked and loaded while the read goes on (since LOADS_WHILE_READING_PATCH), oldest first.
  const inHand: BatchRun[] = [];
  // A batch in hand stopped the read or failed: it reads no further, whatever the pages held.
  let halted = false;
  const loadsWhileReading = readsAhead && patched(LOADS_WHILE_READING_PATCH);
  /** The page read ahead is not loaded (the next cycle reads it again), but its requests were made. */
  const stopAhead = async (): Promise<false> => {
    const ahead = reading ? await reading : null;
    if (ahead && 'page' in ahead) count(ahead.page);
    return false;
  };
  /** Waits for the oldest batch in hand. False when the read must stop at it. */
  const settleOldest = async (): Promise<boolean> => {
    const done = (await inHand.shift()) ?? { goOn: true };
    if ('error' in done) throw done.error;
    if (done.goOn) return true;
    inHand.length = 0; // those after it never ran
    return stopAhead();
  };
  /** Waits for every batch in hand. False when the read must stop at one. */
  const finishInHand = async (): Promise<boolean> => {
    while (inHand.length > 0) if (!(await settleOldest())) return false;
    return true;
  };
  /** Checks, gates and loads the pages held, as one batch. False when the read must stop there. */
  const loadHeld = async (): Promise<boolean> => {
    const held = pages;
    pages = [];
    rows = 0;
    if (inHand.length >= BATCHES_IN_HAND && !(await settleOldest())) return false;
    const batch =
      held.length === 1 && held[0]
        ? held[0]
        : await control.combinePages({ connectorId: plan.connectorId, source: plan.source, pages: held });
    if (!loadsWhileReading) return (await runBatch(ctx, stream, { key, committed }, batch, report, unloaded)) || stopAhead();
    // One batch at a time, each once the one before it is done: a batch is validated against a
    // warehouse that holds the batches before it (uniqueness beyond the batch), and cursors commit in order.
    const before: BatchRun = inHand.at(-1) ?? Promise.resolve({ goOn: true });
    inHand.push(
      before.then((prior) =>
        'goOn' in prior && prior.goOn
          ? runBatch(ctx, stream, { key, committed }, batch, report, unloaded).then(
              (goOn) => {
                halted ||= !goOn;
                return { goOn };
              },
              (error: unknown) => {
                halted = true;
                return { error };
              },
            )
          : prior,
      ),
    );
    return true;
  };
  /** Reads page by page until caught up, handing batches over as they fill. */
  const readOn = async (): Promise<void> => {
    while (reading) {
      const result = await reading;
      // Settled before anything else: the read stops there, or throws what the batch threw.
      if (halted && !(await finishInHand())) return;
      if ('error' in result) {
        // A read that fails still settles the batches in hand: their loads and cursors stand, and are reported.
        if (inHand.length > 0 && !(await finishInHand())) return;
        throw result.error;
      }
      const { page } = result;
      reading = null;
      count(page);
      if (page.batch) cursor = page.batch.cursorAfter ?? cursor;
      const next = page.deferred ? null : page.nextPageToken;
      if (readsAhead && next !== null) reading = read(next);
      // A page without rows and more to come (a bulk job still running) says the next rows will take
      // a while: the pages held are checked and loaded meanwhile rather than wait for them. (A source
      // whose reads pass empty pages would make smaller batches by this: slower, never wrong.)
      const sourceBusy = page.batch === null && next !== null && pages.length > 0;
      if (readsAhead && sourceBusy && patched(BUSY_SOURCE_RELEASES_HELD_PATCH) && !(await loadHeld())) return;
      // Where pages allow, a batch stays within the batch size: the pages held go on their own when
      // this one would take them past it (a bulk chunk after a REST page), with no rewrite into one.
      const overflows = page.batch !== null && pages.length > 0 && rows + page.batch.rows > plan.batchSize;
      if (readsAhead && overflows && !(await loadHeld())) return;
      if (page.batch) {
        pages.push(page.batch);
        rows += page.batch.rows;
        // Counted with the page taken, not with a page read ahead and left: the next cycle reads that one again.
        report.suppressed += page.suppressed ?? 0;
      }
      if (pages.length > 0 && (rows >= plan.batchSize || page.nextPageToken === null) && !(await loadHeld())) return;
      if (page.deferred) {
        if (inHand.length > 0 && !(await finishInHand())) return;
        report.outcome = 'deferred';
        report.detail = page.deferred.detail;
        return;
      }
      if (!readsAhead && next !== null) reading = read(next);
      const stopped = reading && pages.length === 0 ? stopsForContinueAsNew(ctx) : null;
      if (reading && stopped) {
        // Every batch of this read is committed: it stops here, with the page it read ahead, and the cycle's next run goes on.
        if (inHand.length > 0 && !(await finishInHand())) return;
        const ahead = await reading;
        if ('error' in ahead) throw ahead.error;
        stopped.push({ stream, partition, cursor, committed: committed.cursor, nextPage: ahead.page, held: unloaded.held });
        return;
      }
    }
    if (inHand.length > 0) await finishInHand();
  };
  try {
    await readOn();
  } catch (err) {
    // Whatever failed (a page, combining pages), the batches in hand finish before the read reports
    // it: none runs on past the stream's end unreported. (They never reject.)
    if (inHand.length > 0) await Promise.all(inHand);
    throw err;
  }
}

/** What a read that loads nothing (a dry run) carries from batch to batch for the uniqueness check. */
interface UnloadedRows {
  /** What the clean rows validated so far hold in unique columns (QualitySummary.held). */
  held: BatchRef | null;
}

/** Marks the histories whose batches are measured for the gate by validateBatch; in those recorded before, by a measureBatch of their own. */
const MEASURED_WITH_QUALITY_PATCH = 'measured-with-quality';

/** Validate, gate, load, commit. False when the read must stop at this batch. */
async function runBatch(
  ctx: CycleContext,
  stream: string,
  position: CommittedCursor,
  batch: BatchRef,
  report: StreamReport,
  unloaded: UnloadedRows,
): Promise<boolean> {
  const { plan } = ctx;
  report.batches += 1;
  report.extracted += batch.rows;
  if (batch.rows === 0) {
    // Only a position (e.g. an export cursor at the end of the stream): nothing to check or load.
    await commit(ctx, position, batch);
    return true;
  }
  // A dry run loads nothing, so the warehouse cannot show a batch what earlier ones hold: the read carries it.
  const dryRun = plan.automationLevel === 'dry-run';
  const quality = await control.validateBatch({
    connectorId: plan.connectorId,
    source: plan.source,
    batch,
    ...(dryRun && { earlier: unloaded.held, keepHeld: true }),
    // The gate's figures come back with the quality's, saving a measureBatch step.
    ...(patched(MEASURED_WITH_QUALITY_PATCH) && { measure: true }),
  });
  if (dryRun) unloaded.held = quality.held ?? null;
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
    return false;
  }
  if (gate.action === 'dry-run') {
    report.outcome = 'dry-run';
    report.wouldLoad += quality.valid;
    return true;
  }
  if (gate.action === 'skip') ctx.rowsThisCycle -= quality.valid;
  try {
    const loaded = gate.action === 'load' ? await load(ctx, stream, batch, quality, report, position) : null;
    // A skipped batch is done too: the manager chose to move past it, so the cursor moves on.
    if (!loaded?.cursorCommitted) await commit(ctx, position, batch);
    settle(
      ctx,
      gate.approval,
      loaded ? { loaded: loaded.merged, deleted: loaded.deleted, keptBatch: null } : { loaded: 0, deleted: 0, keptBatch: batch.uri },
    );
  } catch (err) {
    // The decision's update waits for what it led to: tell it, or it (and the cycle) would wait forever.
    settle(ctx, gate.approval, { loaded: 0, deleted: 0, keptBatch: batch.uri });
    throw err;
  }
  return true;
}

/** Tells the approval's update what its decision led to. */
function settle(
  ctx: CycleContext,
  approval: ApprovalResolution | null,
  result: Pick<ApprovalOutcome, 'loaded' | 'deleted' | 'keptBatch'>,
): void {
  if (approval) ctx.gates.settle({ ...approval, ...result });
}

function addCounts(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [rule, count] of Object.entries(counts)) into[rule] = (into[rule] ?? 0) + count;
}
