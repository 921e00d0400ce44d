/**
 * Queries, signals and updates of the ingestion workflows, importable by the API without pulling in
 * workflow code. Workflow-safe.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecision, ApprovalOutcome, PendingApproval } from './approvals';
import type { CycleReport } from './cycle';

/** The live report of a running cycle: status and per-stream progress so far. */
export const cycleReportQuery = defineQuery<CycleReport>('cycleReport');

export interface IngestionCycleInput {
  connectorId: string;
  /** 'schedule' | 'manual' | 'api': who asked for this cycle, for the audit trail. */
  trigger: 'schedule' | 'manual';
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
