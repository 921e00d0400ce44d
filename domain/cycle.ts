/**
 * What activities hand the workflow and the workflow hands back: references, counts and reports,
 * never records (claim check). Workflow-safe.
 */
import { z } from 'zod';
import type { DestinationKind, Guardrails, SourceKind } from './connector';

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

export interface ExtractRequest {
  connectorId: string;
  stream: string;
  cursor: StreamCursor | null;
}

export type DeferralReason = 'daily-api-quota';

export interface ExtractResult {
  batches: BatchRef[];
  apiCalls: number;
  /** Set when the source asked us to stop for now (quota): the cycle loads what it has and ends. */
  deferred: { reason: DeferralReason; detail: string } | null;
}

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
  success: boolean;
  /** Valid rows (and deletions) to load; null when nothing is left. */
  clean: BatchRef | null;
  /** Failing rows with their reasons. */
  quarantine: BatchRef | null;
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
  /** True when the ledger already held this loadId: nothing was changed. */
  alreadyLoaded: boolean;
  merged: number;
  deleted: number;
  quarantined: number;
}

/** What the workflow needs to run a cycle: no credentials, only ids, streams, limits and cursors. */
export interface CyclePlan {
  connectorId: string;
  userId: string;
  source: SourceKind;
  destination: DestinationKind;
  streams: string[];
  guardrails: Guardrails;
  cursors: Record<string, StreamCursor>;
  /** Paused connectors run nothing. */
  paused: boolean;
}

export type StreamOutcome = 'loaded' | 'blocked' | 'deferred' | 'failed';

export interface StreamReport {
  stream: string;
  outcome: StreamOutcome;
  batches: number;
  extracted: number;
  loaded: number;
  deleted: number;
  quarantined: number;
  apiCalls: number;
  /** Why the stream did not load everything, when it did not. */
  detail?: string;
  failuresByRule: Record<string, number>;
}

export type CycleStatus = 'running' | 'completed' | 'deferred' | 'blocked' | 'failed' | 'skipped';

export interface CycleReport {
  workflowId: string;
  connectorId: string;
  status: CycleStatus;
  startedAt: string;
  finishedAt: string | null;
  streams: StreamReport[];
}
