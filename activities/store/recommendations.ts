/**
 * /analyze learns from the approval history: when people keep approving the same guardrail on
 * similar figures, the limit is probably too tight. It only recommends; the configuration changes
 * when a manager changes it.
 */
import { z } from 'zod';
import { connectorSettingsSchema } from '../../domain/connector';
import { guardrailOverrideSchema, type GuardrailOverride, type Guardrails } from '../../domain/guardrails';
import { approvalResolutionSchema, pendingApprovalSchema } from './approval-schemas';
import { rowsOf } from './query';
import type { SqlExecutor } from './sql-client';

/** Approvals in a row, by a person, before a limit is called too tight. */
export const APPROVALS_BEFORE_RECOMMENDING = 3;
/** Figures count as similar when the largest approved is at most this multiple of the smallest. */
export const SIMILAR_FIGURES_RATIO = 1.5;
/** The suggestion leaves this much room above the largest figure approved. */
export const HEADROOM = 0.1;
/** The decisions read, newest first: enough for any streak worth recommending on. */
const DECISIONS_READ = 500;

export type RaisableGuardrail = keyof GuardrailOverride;

/** How each raisable limit is rounded up: whole counts, shares in hundredths (at most 1), dollars in cents. */
const PRECISION: Record<RaisableGuardrail, { decimals: number; max?: number }> = {
  maxRowsPerCycle: { decimals: 0 },
  maxInvalidShare: { decimals: 2, max: 1 },
  maxDeleteShare: { decimals: 2, max: 1 },
  maxApiCallsPerCycle: { decimals: 0 },
  dailyApiCallBudget: { decimals: 0 },
  dailyCostBudgetUsd: { decimals: 2 },
};
const RAISABLE = guardrailOverrideSchema.keyof().options;

export interface RecommendationEvidence {
  approvalId: string;
  actual: number;
  decidedBy: string;
  decidedAt: string;
}

export interface GuardrailRecommendation {
  guardrail: RaisableGuardrail;
  currentLimit: number;
  suggestedLimit: number;
  /** The approvals in a row that support it, oldest first. */
  evidence: RecommendationEvidence[];
  summary: string;
  note: 'nothing changes without a manager';
}

/** A decided gate, as the recommendation reads it. */
export interface DecisionOnRecord {
  approvalId: string;
  breaches: { guardrail: string; actual: number | string }[];
  decision: 'approve' | 'reject' | 'skip';
  decidedBy: string;
  decidedAt: string;
  byPolicy: boolean;
}

/** Decisions oldest first; a timeout decided by policy shows nobody's judgement, so it neither counts nor interrupts. */
export function recommendLimits(guardrails: Guardrails, decisions: readonly DecisionOnRecord[]): GuardrailRecommendation[] {
  return RAISABLE.flatMap((guardrail) => {
    const currentLimit = guardrails[guardrail];
    if (currentLimit === undefined) return [];
    const streak = latestApprovalStreak(guardrail, decisions);
    if (streak.length < APPROVALS_BEFORE_RECOMMENDING) return [];
    const largest = Math.max(...streak.map((e) => e.actual));
    const suggestedLimit = roundUp(guardrail, largest * (1 + HEADROOM));
    if (suggestedLimit <= currentLimit) return [];
    const smallest = Math.min(...streak.map((e) => e.actual));
    return [
      {
        guardrail,
        currentLimit,
        suggestedLimit,
        evidence: streak,
        summary: `${streak.length} approvals in a row by people on ${guardrail} between ${smallest} and ${largest} (limit ${currentLimit})`,
        note: 'nothing changes without a manager',
      },
    ];
  });
}

/** The most recent run of people's approvals of this guardrail on similar figures, oldest first. */
function latestApprovalStreak(guardrail: RaisableGuardrail, decisions: readonly DecisionOnRecord[]): RecommendationEvidence[] {
  const streak: RecommendationEvidence[] = [];
  for (const decision of [...decisions].reverse()) {
    const actual = decision.breaches.find((b) => b.guardrail === guardrail)?.actual;
    if (typeof actual !== 'number' || decision.byPolicy) continue;
    if (decision.decision !== 'approve') break;
    const actuals = [...streak.map((e) => e.actual), actual];
    if (Math.max(...actuals) > SIMILAR_FIGURES_RATIO * Math.min(...actuals)) break;
    streak.unshift({ approvalId: decision.approvalId, actual, decidedBy: decision.decidedBy, decidedAt: decision.decidedAt });
  }
  return streak;
}

function roundUp(guardrail: RaisableGuardrail, value: number): number {
  const { decimals, max } = PRECISION[guardrail];
  const scale = 10 ** decimals;
  // The epsilon keeps 0.2 × 1.1 = 0.22000000000000003 at 0.22, not 0.23.
  const rounded = Math.ceil(value * scale - 1e-9) / scale;
  return max === undefined ? rounded : Math.min(rounded, max);
}

const decisionRow = z
  .object({ approval_id: z.string(), request: pendingApprovalSchema, resolution: approvalResolutionSchema })
  .transform((row): DecisionOnRecord => ({
    approvalId: row.approval_id,
    breaches: row.request.breaches,
    decision: row.resolution.decision,
    decidedBy: row.resolution.decidedBy,
    decidedAt: row.resolution.decidedAt,
    byPolicy: row.resolution.byPolicy,
  }));

const guardrailsRow = z.object({ configuration: z.object({ guardrails: connectorSettingsSchema.shape.guardrails }) });

/** No configuration (the connector is gone), nothing to recommend changing. */
export async function recommendationsFor(db: SqlExecutor, connectorId: string): Promise<GuardrailRecommendation[]> {
  const [config] = await rowsOf(db, guardrailsRow, 'SELECT configuration FROM connector_config WHERE id = $1', [connectorId]);
  if (!config) return [];
  const newestFirst = await rowsOf(
    db,
    decisionRow,
    `SELECT approval_id, request, resolution FROM approval
      WHERE connector_id = $1 AND status = 'decided' ORDER BY decided_at DESC, approval_id DESC LIMIT $2`,
    [connectorId, DECISIONS_READ],
  );
  return recommendLimits(config.configuration.guardrails, newestFirst.reverse());
}
