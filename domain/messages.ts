/**
 * Queries, signals and updates of the ingestion workflows, importable by the API without pulling in
 * workflow code. Workflow-safe.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecision, ApprovalOutcome, PendingApproval } from './approvals';
import type { ContinuedCycle, CycleReport } from './cycle';

/** The live report of a running cycle: status and per-stream progress so far. */
export const cycleReportQuery = defineQuery<CycleReport>('cycleReport');

export interface IngestionCycleInput {
  connectorId: string;
  /** 'schedule' | 'manual' | 'api': who asked for this cycle, for the audit trail. */
  trigger: 'schedule' | 'manual' | 'webhook';
  /** Set by the cycle itself when it continues as new: where its previous run stopped. */
  continued?: ContinuedCycle;
}

/** The workflow type name, for clients that start it by name (schedules, the API). */
export const INGESTION_CYCLE_WORKFLOW = 'ingestionCycle';

/** The gates a cycle holds open, waiting for a decision. */
export const pendingApprovalsQuery = defineQuery<PendingApproval[]>('pendingApprovals');

/**
 * A manager's decision. Its validator refuses a role that may not decide, a gate that is not open,
 * or a decision after the timeout; its result is what the decision led to.
 */
export const decideApprovalUpdate = defineUpdate<ApprovalOutcome, [ApprovalDecision]>('decideApproval');

/** The same decision for clients that cannot use updates; refused decisions are logged and dropped. */
export const decideApprovalSignal = defineSignal<[ApprovalDecision]>('decideApprovalSignal');

/** The workflow type that re-validates a quarantined batch with a changed expectation suite. */
export const REVALIDATE_QUARANTINE_WORKFLOW = 'revalidateQuarantine';

export interface RevalidateQuarantineInput {
  connectorId: string;
  /** The stored quality report of the batch whose quarantined rows are judged again. */
  qualityReportId: string;
  /** An expectation suite in Great Expectations JSON (1.x or 0.18); checked by the activity. */
  suite: unknown;
  /** Who asked, for the audit log. */
  requestedBy: string;
}

/** What a re-validation did: figures only, never records. */
export interface QuarantineRevalidation {
  connectorId: string;
  qualityReportId: string;
  stream: string;
  suiteName: string;
  /** Fingerprint of the suite's expectations: the same rules give the same hash. */
  suiteHash: string;
  /**
   * `applied`: the verdicts were loaded; `already-applied`: the quarantine already holds this suite's
   * verdicts; `nothing-quarantined`: every row of the batch has left the quarantine already.
   */
  outcome: 'applied' | 'already-applied' | 'nothing-quarantined';
  /** Rows still quarantined when asked, judged again. */
  evaluated: number;
  /** Rows that pass the new suite: loaded into the stream's table and out of the quarantine. */
  released: number;
  stillQuarantined: number;
  /** Rows still failing, per rule label, with the new suite. */
  failuresByRule: Record<string, number>;
  /** The load that holds these verdicts in the warehouse (its ledger entry); null when nothing is quarantined. */
  loadId: string | null;
  /** Rows merged into the table (a key repeated among the released rows counts once). */
  merged: number;
}
