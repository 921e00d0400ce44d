/**
 * Guardrails, automation levels and the approval policy: the limits a manager sets, and the one pure,
 * deterministic evaluator that the workflow acts on and the API previews with. It judges the figures
 * activities report, never records.
 */
import { z } from 'zod';
import { roleSchema } from './access';
import { durationString } from './durations';

export const guardrailsSchema = z.object({
  /** Rows a cycle may load in all. */
  maxRowsPerCycle: z.number().int().positive().optional(),
  /** Share of a batch's rows that fail the quality suite. */
  maxInvalidShare: z.number().min(0).max(1).default(0.2),
  /** Share of the table that one batch would delete. */
  maxDeleteShare: z.number().min(0).max(1).optional(),
  /** New, dropped or retyped columns. */
  schemaChangePolicy: z.enum(['allow', 'approve', 'block']).default('approve'),
  /**
   * A batch whose validation fails as a whole (an expectation that raised, a table expectation, a
   * missed `mostly`): approve by default (a breach like any other), block, or allow. Rows failing a
   * row rule are quarantined whatever this says.
   */
  suiteFailurePolicy: z.enum(['allow', 'approve', 'block']).optional(),
  maxApiCallsPerCycle: z.number().int().positive().optional(),
  dailyApiCallBudget: z.number().int().positive().optional(),
  /** Estimated warehouse spend per UTC day, in US dollars. */
  dailyCostBudgetUsd: z.number().nonnegative().optional(),
  /** Loaded data older than this raises an alert. */
  freshnessTargetMinutes: z.number().int().positive().optional(),
});
export type Guardrails = z.infer<typeof guardrailsSchema>;

/**
 * The limits an approval may lift once, for the rest of one cycle. Plain optional fields, no
 * defaults: an override names only what it lifts and leaves every other limit as configured.
 */
export const guardrailOverrideSchema = z.object({
  maxRowsPerCycle: z.number().int().positive().optional(),
  maxInvalidShare: z.number().min(0).max(1).optional(),
  maxDeleteShare: z.number().min(0).max(1).optional(),
  maxApiCallsPerCycle: z.number().int().positive().optional(),
  dailyApiCallBudget: z.number().int().positive().optional(),
  dailyCostBudgetUsd: z.number().nonnegative().optional(),
});
export type GuardrailOverride = z.infer<typeof guardrailOverrideSchema>;

export const AUTOMATION_LEVELS = ['auto', 'approve-on-breach', 'always-approve', 'dry-run', 'paused'] as const;
export const automationLevelSchema = z.enum(AUTOMATION_LEVELS);
export type AutomationLevel = z.infer<typeof automationLevelSchema>;

export const approvalPolicySchema = z.object({
  /** How long a gate waits for a decision, e.g. 24h, 30m, 10s. */
  timeout: durationString.default('24h'),
  onTimeout: z.enum(['reject', 'approve']).default('reject'),
  /** Who may decide; an admin always may. */
  approverRole: roleSchema.default('manager'),
});
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;

export interface SchemaChange {
  column: string;
  change: 'added' | 'dropped' | 'retyped';
  from?: string;
  to?: string;
}

/** What the activities reported about one batch, with what the cycle and the day already spent. */
export interface GateFigures {
  /** Rows this cycle will have loaded, this batch included. */
  rowsThisCycle: number;
  evaluated: number;
  invalid: number;
  invalidShare: number;
  deletes: number;
  /** Rows in the destination table before this batch. */
  tableRows: number;
  schemaChanges: SchemaChange[];
  apiCallsThisCycle: number;
  /** Today's API calls, this cycle's included. */
  apiCallsToday: number;
  estimatedCostUsd: number;
  /** Today's estimated spend, this batch's included. */
  costTodayUsd: number;
  /** Labels of the expectations that failed the batch as a whole (QualitySummary.batchFailures). */
  failedExpectations?: string[];
}

/**
 * What measuring a batch finds in the warehouse and the day's records: its gate figures but for the
 * cycle's own counters, which only the workflow knows at the moment the gate judges.
 */
export interface BatchMeasure {
  /** Rows in the destination table before this batch. */
  tableRows: number;
  schemaChanges: SchemaChange[];
  estimatedCostUsd: number;
  /** API calls and spend recorded today before this cycle's. */
  apiCallsRecordedToday: number;
  costRecordedTodayUsd: number;
}

/** What the quality gate said of a batch, as the guardrails read it. */
export interface BatchQualityFigures {
  evaluated: number;
  invalid: number;
  invalidShare: number;
  deletes: number;
  batchFailures?: string[];
}

/** A batch's gate figures: its quality, what measuring it found, and what the cycle has counted (its rows included). */
export function gateFigures(
  quality: BatchQualityFigures,
  measure: BatchMeasure,
  counted: { rowsThisCycle: number; apiCallsThisCycle: number },
): GateFigures {
  return {
    rowsThisCycle: counted.rowsThisCycle,
    evaluated: quality.evaluated,
    invalid: quality.invalid,
    invalidShare: quality.invalidShare,
    deletes: quality.deletes,
    tableRows: measure.tableRows,
    schemaChanges: measure.schemaChanges,
    apiCallsThisCycle: counted.apiCallsThisCycle,
    apiCallsToday: measure.apiCallsRecordedToday + counted.apiCallsThisCycle,
    estimatedCostUsd: measure.estimatedCostUsd,
    costTodayUsd: measure.costRecordedTodayUsd + measure.estimatedCostUsd,
    failedExpectations: quality.batchFailures ?? [],
  };
}

export type GuardrailName = keyof Guardrails;

export interface GuardrailBreach {
  guardrail: GuardrailName;
  limit: number | string;
  actual: number | string;
  /** `block` only for a schema change the policy blocks; every other breach can be approved. */
  severity: 'approve' | 'block';
}

const over = (guardrail: GuardrailName, limit: number | undefined, actual: number): GuardrailBreach[] =>
  limit !== undefined && actual > limit ? [{ guardrail, limit, actual, severity: 'approve' }] : [];

export function evaluateGuardrails(guardrails: Guardrails, figures: GateFigures): GuardrailBreach[] {
  const deleteShare = figures.deletes === 0 ? 0 : figures.deletes / Math.max(figures.tableRows, 1);
  const breaches = [
    ...over('maxRowsPerCycle', guardrails.maxRowsPerCycle, figures.rowsThisCycle),
    ...(figures.evaluated > 0 ? over('maxInvalidShare', guardrails.maxInvalidShare, figures.invalidShare) : []),
    ...over('maxDeleteShare', guardrails.maxDeleteShare, deleteShare),
    ...over('maxApiCallsPerCycle', guardrails.maxApiCallsPerCycle, figures.apiCallsThisCycle),
    ...over('dailyApiCallBudget', guardrails.dailyApiCallBudget, figures.apiCallsToday),
    ...over('dailyCostBudgetUsd', guardrails.dailyCostBudgetUsd, figures.costTodayUsd),
  ];
  const suitePolicy = guardrails.suiteFailurePolicy ?? 'approve';
  if ((figures.failedExpectations?.length ?? 0) > 0 && suitePolicy !== 'allow') {
    breaches.push({
      guardrail: 'suiteFailurePolicy',
      limit: suitePolicy,
      actual: `failed: ${(figures.failedExpectations ?? []).join(', ')}`,
      severity: suitePolicy === 'block' ? 'block' : 'approve',
    });
  }
  if (figures.schemaChanges.length > 0 && guardrails.schemaChangePolicy !== 'allow') {
    breaches.push({
      guardrail: 'schemaChangePolicy',
      limit: guardrails.schemaChangePolicy,
      actual: figures.schemaChanges.map((c) => `${c.change} ${c.column}`).join(', '),
      severity: guardrails.schemaChangePolicy === 'block' ? 'block' : 'approve',
    });
  }
  return breaches;
}

/** What a cycle does with a batch, given the automation level and the breaches. */
export type GateVerdict = 'load' | 'load-and-alert' | 'await-approval' | 'block' | 'dry-run' | 'skip-cycle';

export function gateVerdict(level: AutomationLevel, breaches: readonly GuardrailBreach[]): GateVerdict {
  if (level === 'paused') return 'skip-cycle';
  if (level === 'dry-run') return 'dry-run';
  if (breaches.some((b) => b.severity === 'block')) return 'block';
  if (level === 'always-approve') return 'await-approval';
  if (breaches.length === 0) return 'load';
  return level === 'auto' ? 'load-and-alert' : 'await-approval';
}

/** The guardrails with a one-time override applied (an approval's). */
export function withOverride(guardrails: Guardrails, override: GuardrailOverride | undefined): Guardrails {
  return override ? { ...guardrails, ...override } : guardrails;
}

/** How the stream's columns differ from those its table had at the last load (none before the first). */
export function schemaChangesBetween(
  previous: readonly { name: string; type: string }[] | null,
  current: readonly { name: string; type: string }[],
): SchemaChange[] {
  if (previous === null) return [];
  const before = new Map(previous.map((c) => [c.name, c.type]));
  const after = new Map(current.map((c) => [c.name, c.type]));
  const changes: SchemaChange[] = [];
  for (const [column, type] of after) {
    const old = before.get(column);
    if (old === undefined) changes.push({ column, change: 'added', to: type });
    else if (old !== type) changes.push({ column, change: 'retyped', from: old, to: type });
  }
  for (const [column, type] of before) if (!after.has(column)) changes.push({ column, change: 'dropped', from: type });
  return changes;
}
