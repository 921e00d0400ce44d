/**
 * What activities hand the workflow and the workflow hands back: references, counts and reports,
 * never records (claim check). Workflow-safe.
 */
import { z } from 'zod';
import type { ApprovalOutcome, PendingApproval } from './approvals';
import type { DestinationKind, SourceKind } from './connector';
import type { ApprovalPolicy, AutomationLevel, BatchMeasure, GuardrailOverride, Guardrails } from './guardrails';

/** Where a stream's incremental read stopped: the cursor value and the last key at that value. */
export const streamCursorSchema = z.object({
  /** e.g. the last SystemModstamp, ISO-8601. */
  value: z.string().min(1),
  /** Primary key of the last row at `value`, so rows sharing one timestamp are neither lost nor re-read. */
  lastKey: z.string().min(1),
});
export type StreamCursor = z.infer<typeof streamCursorSchema>;

/** A staged, content-addressed NDJSON batch of one stream. */
export const batchRefSchema = z.object({
  /** file:// URI in staging (object storage in production). */
  uri: z.string(),
  stream: z.string(),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Fingerprint of the stream's column set, so a load can tell a schema change. */
  schema: z.string(),
  /** The cursor after the last row of this batch; committing it means the batch is done. */
  cursorAfter: streamCursorSchema.nullable(),
});
export type BatchRef = z.infer<typeof batchRefSchema>;

/** One page of one stream (or partition of it), read by one activity on the source's task queue. */
export interface PageExtractRequest {
  connectorId: string;
  stream: string;
  partition: string | null;
  /** Where the read stands: the position after the previous page, or the committed cursor. */
  cursor: StreamCursor | null;
  /** The source's continuation from the previous page; null starts a read from `cursor`. */
  pageToken: string | null;
}

export type DeferralReason = 'daily-api-quota';

export interface ExtractedPage {
  /** The page's rows, staged; null when the page held none. */
  batch: BatchRef | null;
  /** Where the next page starts; null once the read has caught up (or must stop). */
  nextPageToken: string | null;
  apiCalls: number;
  /** Set when the source asked us to stop for now (quota): the cycle loads what it has and ends. */
  deferred: { reason: DeferralReason; detail: string } | null;
  /**
   * Rows of erased subjects left out before staging, where the connector hashes or drops the column
   * that names them. Absent from pages read before extraction screened them.
   */
  suppressed?: number;
}

/** A stream's catalog entry, asked of the account on its queue before the stream is read and stored: figures only. */
export interface StreamDescribed {
  /** Requests the describe cost, a login included. */
  apiCalls: number;
  /** Set when the daily quota was spent before the account could be asked: the stream waits for the next run. */
  deferred: { reason: DeferralReason; detail: string } | null;
}

/** The key a stream, or one partition of it, commits its cursor under. */
export const cursorKey = (stream: string, partition: string | null): string => (partition === null ? stream : `${stream}#${partition}`);

/** What the quality gate tells the workflow: figures only; the full report is stored by id. */
export interface QualitySummary {
  reportId: string;
  evaluated: number;
  valid: number;
  invalid: number;
  /** Rows marking a deletion at the source: not validated, applied as deletes. */
  deletes: number;
  invalidShare: number;
  /** Failing rows per rule label, e.g. { 'not_null(email)': 12 }; the same labels as quarantine reasons. */
  failuresByRule: Record<string, number>;
  /** Whether every expectation of the suite succeeded (GX's `success`), rows quarantined or not. */
  success: boolean;
  /**
   * Labels of the failed expectations that quarantining rows does not settle: one that raised (a
   * column the batch lacks), a table expectation, or one whose `mostly` was missed. The gate treats
   * them as a breach (guardrail suiteFailurePolicy). Absent from summaries of activities that ran
   * before it existed.
   */
  batchFailures?: string[];
  /** Valid rows (and deletions) to load; null when nothing is left. */
  clean: BatchRef | null;
  /** Failing rows with their reasons. */
  quarantine: BatchRef | null;
  /**
   * Rows of erased subjects screened out before the gate: neither judged nor kept. Absent from
   * summaries of activities that ran before the screen moved in front of the gate.
   */
  suppressed?: number;
  /**
   * Clean rows withheld for want of consent, written to `clean` as deletions of their keys (or left
   * out) already; the load screens them no more. Absent when the gate left the consent screen to
   * the load (summaries of activities that ran before it moved into the gate, re-validation).
   */
  withoutConsent?: number;
  /**
   * Asked for by a read that loads nothing (a dry run): what the clean rows it validated so far
   * hold in unique columns, staged for the next batch's check; null when they hold nothing.
   */
  held?: BatchRef | null;
  /**
   * Asked for by the cycle (`measure`): what measuring the batch for the guardrail gate found, taken
   * in the same step rather than a measureBatch of its own. Absent from summaries of activities that
   * ran before it, or not asked.
   */
  measure?: BatchMeasure;
}

export interface LoadRequest {
  connectorId: string;
  stream: string;
  loadId: string;
  clean: BatchRef | null;
  quarantine: BatchRef | null;
}

export interface LoadResult {
  loadId: string;
  /**
   * True when the ledger already held this loadId: nothing was appended again, the clean rows were
   * merged again under the cursor guard, and the figures are those the ledger recorded the first time.
   */
  alreadyLoaded: boolean;
  merged: number;
  deleted: number;
  quarantined: number;
  /**
   * Asked to move the read's cursor too (loadBatch's `commit`): whether it did. False when another
   * cycle had moved it, which the load leaves as it is. Absent when not asked.
   */
  cursorCommitted?: boolean;
}

/** What the workflow needs to run a cycle: no credentials, only ids, streams, limits and cursors. */
export interface CyclePlan {
  connectorId: string;
  userId: string;
  source: SourceKind;
  destination: DestinationKind;
  streams: string[];
  guardrails: Guardrails;
  automationLevel: AutomationLevel;
  approvalPolicy: ApprovalPolicy;
  /** Committed cursors by `cursorKey(stream, partition)`. */
  cursors: Record<string, StreamCursor>;
  /** Partitions per stream read in parallel, each with its own cursor; absent or empty: one read. */
  partitions: Record<string, string[]>;
  /** Rows per batch: pages are gathered into batches of about this size before validation. */
  batchSize: number;
  /** Paused connectors run nothing. */
  paused: boolean;
  /**
   * Another cycle of the connector that runs already (e.g. one waiting for an approval): this one
   * must not run, or the older cycle's rows and cursors could overwrite the newer one's.
   */
  otherCycle?: string;
  /**
   * The task queue of the source account's own rate budget (activities/sources/accounts.ts), where
   * pages are read; absent for a push source, and in plans recorded before accounts had queues.
   */
  extractQueue?: string;
  /**
   * Streams whose catalog entry each is asked of the account (Salesforce: its object's describe) on
   * the account's queue before it is read, every request counted in the stream's apiCalls; absent
   * where the plan asked for the catalog itself (plans recorded before), or the source has none.
   */
  describeStreams?: string[];
}

/**
 * Where a cycle stopped to continue as new, once Temporal suggested it (its history had grown long):
 * what its next run carries, figures and references only. Every read stopped at a batch boundary,
 * its batches committed, no approval open.
 */
export interface ContinuedCycle {
  plan: CyclePlan;
  /** The report so far: the streams done keep their outcome, the stopped ones add to theirs. */
  report: CycleReport;
  rowsThisCycle: number;
  apiCallsThisCycle: number;
  /** Per stream, what approvals granted: they go on lifting the stream's limits. */
  overrides: Record<string, GuardrailOverride>;
  reads: StoppedRead[];
  /**
   * The approvals decided so far and what each led to, so that a manager who sends the same decision
   * again (as the API invites when an outcome was slow to come) gets its outcome, not a refusal.
   * Absent in runs continued before it was carried.
   */
  settledApprovals?: SettledApproval[];
}

/** An approval decided and acted on: its request and what the decision led to. */
export interface SettledApproval {
  pending: PendingApproval;
  outcome: ApprovalOutcome;
}

/** A read stopped between two batches, to go on in the cycle's next run. */
export interface StoppedRead {
  stream: string;
  partition: string | null;
  /** The cursor its pages are asked from. */
  cursor: StreamCursor | null;
  /** The cursor last committed in the store: the next commit names it. */
  committed: StreamCursor | null;
  /** The page it had read ahead: staged, its requests not yet counted. */
  nextPage: ExtractedPage;
  /** A dry run's rows validated but not loaded, for the uniqueness check (QualitySummary.held). */
  held: BatchRef | null;
}

export const STREAM_OUTCOMES = ['loaded', 'blocked', 'rejected', 'dry-run', 'deferred', 'failed'] as const;
export type StreamOutcome = (typeof STREAM_OUTCOMES)[number];

const count = z.number().int().nonnegative();

export const streamReportSchema = z.object({
  stream: z.string().min(1),
  outcome: z.enum(STREAM_OUTCOMES),
  batches: count,
  extracted: count,
  loaded: count,
  deleted: count,
  quarantined: count,
  /** Dry runs: the rows a real run would have loaded. */
  wouldLoad: count.default(0),
  /** Rows of subjects on the erasure suppression list, dropped before the load. */
  suppressed: count.default(0),
  /** Rows whose active-contact or consent flag is false: kept out of marketing tables. */
  withoutConsent: count.default(0),
  apiCalls: count,
  /** Guardrails crossed in this stream, and what was done about each. */
  breaches: z
    .array(
      z.object({
        guardrail: z.string(),
        limit: z.union([z.number(), z.string()]),
        actual: z.union([z.number(), z.string()]),
        resolution: z.string(),
      }),
    )
    .default([]),
  /** Why the stream did not load everything, when it did not. */
  detail: z.string().optional(),
  /** Failing rows per rule label, e.g. { 'not_null(email)': 12 }; the same labels as quarantine reasons. */
  failuresByRule: z.record(z.string(), count),
});
export type StreamReport = z.infer<typeof streamReportSchema>;

export const CYCLE_STATUSES = [
  'running',
  'awaiting-approval',
  'completed',
  'dry-run',
  'deferred',
  'blocked',
  'rejected',
  'failed',
  'skipped',
] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

/** A cycle's report: live through a query while it runs, stored when it ends. */
export const cycleReportSchema = z.object({
  workflowId: z.string().min(1),
  connectorId: z.string().min(1),
  status: z.enum(CYCLE_STATUSES),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
  streams: z.array(streamReportSchema),
  /** Why the cycle ended so when no stream says it, e.g. skipped while another cycle of the connector ran. */
  detail: z.string().optional(),
});
export type CycleReport = z.infer<typeof cycleReportSchema>;
