/**
 * The approval gate's messages and records: what a waiting cycle shows, what a manager decides, and
 * what the decision led to. Workflow-safe; the API validates decisions with the same schema.
 */
import { z } from 'zod';
import { roleSchema, type Role } from './access';
import { guardrailOverrideSchema, type GateFigures, type GuardrailBreach, type GuardrailOverride } from './guardrails';

export const approvalDecisionBodySchema = z.object({
  decision: z.enum(['approve', 'reject', 'skip']),
  decidedBy: z.string().min(1).max(255),
  role: roleSchema,
  reason: z.string().min(1, 'say why: the reason goes to the audit log').max(2_000),
  /** Lifts limits once, for the rest of this cycle only. */
  override: guardrailOverrideSchema.optional(),
});
export type ApprovalDecisionBody = z.infer<typeof approvalDecisionBodySchema>;

export interface ApprovalDecision extends ApprovalDecisionBody {
  approvalId: string;
}

export interface PendingApproval {
  approvalId: string;
  connectorId: string;
  userId: string;
  workflowId: string;
  stream: string;
  batch: { sha256: string; rows: number; uri: string };
  /** Why the gate is open: crossed guardrails, or `always-approve`. */
  reason: 'guardrail-breach' | 'always-approve';
  breaches: GuardrailBreach[];
  figures: GateFigures;
  /** The rules most rows failed, most first. */
  topReasons: { rule: string; rows: number }[];
  qualityReportId: string;
  openedAt: string;
  deadline: string;
  approverRole: Role;
  onTimeout: 'approve' | 'reject';
}

export interface ApprovalResolution {
  approvalId: string;
  decision: 'approve' | 'reject' | 'skip';
  decidedBy: string;
  role: Role | null;
  reason: string;
  decidedAt: string;
  /** True when the timeout policy decided, not a person. */
  byPolicy: boolean;
  override?: GuardrailOverride;
}

/** What a decision led to: the update's result, so the caller learns it synchronously. */
export interface ApprovalOutcome extends ApprovalResolution {
  loaded: number;
  deleted: number;
  /** Where the batch stays when it was not loaded (kept for audit). */
  keptBatch: string | null;
}

/** A person's decision as the gate records it: the timeout policy's own resolutions are `byPolicy`. */
export function resolutionOf(decision: ApprovalDecision, decidedAt: string): ApprovalResolution {
  return {
    approvalId: decision.approvalId,
    decision: decision.decision,
    decidedBy: decision.decidedBy,
    role: decision.role,
    reason: decision.reason,
    decidedAt,
    byPolicy: false,
    ...(decision.override ? { override: decision.override } : {}),
  };
}

/** Unique per cycle, stream and batch; stable across replays. */
export const approvalIdFor = (workflowId: string, stream: string, batchSha256: string): string => `${workflowId}~${stream}~${batchSha256}`;

/** The workflow that holds an approval, from its id. */
export const workflowIdOfApproval = (approvalId: string): string | null => {
  const parts = approvalId.split('~');
  return parts.length === 3 && parts[0] ? parts[0] : null;
};
