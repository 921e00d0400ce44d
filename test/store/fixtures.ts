/** Inputs shaped like the ones the API and the cycle activities hand the store. */
import { createHash, randomUUID } from 'node:crypto';
import type { Role } from '../../domain/access';
import { approvalIdFor, type ApprovalResolution, type PendingApproval } from '../../domain/approvals';
import { createConnectorSchema, type CreateConnector } from '../../domain/connector';
import type { CycleReport, CycleStatus, StreamReport } from '../../domain/cycle';
import type { GateFigures, GuardrailBreach } from '../../domain/guardrails';
import { emptyStreamReport } from '../../workflows/cycle-report';

export function connectorInput(userId: string, name = 'CRM to warehouse'): CreateConnector {
  return createConnectorSchema.parse({
    userId,
    name,
    description: 'Contacts and leads from the sales org',
    status: 'active',
    configuration: {
      source: {
        kind: 'salesforce',
        loginUrl: 'http://127.0.0.1:8080',
        auth: { type: 'access-token', accessToken: 'token-for-tests' },
        apiVersion: '59.0',
        streams: ['contact', 'lead'],
        apiQuotaShare: 0.9,
        batchSize: 1000,
      },
      destination: { kind: 'duckdb', schema: 'marketing' },
      guardrails: { maxInvalidShare: 0.2 },
      schedule: { every: '15m' },
    },
  });
}

export const newUserId = (): string => `user-${randomUUID()}`;

export const sha256Of = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A stream's report of one loaded batch, with the figures given. */
export function streamReport(stream: string, figures: Partial<StreamReport> = {}): StreamReport {
  return { ...emptyStreamReport(stream), batches: 1, ...figures };
}

export function runReport(
  connectorId: string,
  status: CycleStatus,
  startedAt: Date,
  streams: StreamReport[],
  finishedAt: Date | null = new Date(startedAt.getTime() + 60_000),
): CycleReport {
  return {
    workflowId: `cycle/${connectorId}/manual-${startedAt.toISOString()}`,
    connectorId,
    status,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt === null ? null : finishedAt.toISOString(),
    streams,
  };
}

export interface RuleOutcome {
  type: 'expect_column_values_to_not_be_null' | 'expect_column_values_to_be_unique';
  column: string;
  unexpected: number;
  /** Failing values, as Great Expectations quotes them in partial_unexpected_list. */
  quoted?: unknown[];
}

/** A validation result in Great Expectations' shape, as the quality gate stores it. */
export function qualityReport(rowsEvaluated: number, rules: RuleOutcome[]): Record<string, unknown> {
  const failed = rules.filter((rule) => rule.unexpected > 0).length;
  return {
    success: failed === 0,
    suite_name: 'salesforce.contact',
    statistics: {
      evaluated_expectations: rules.length,
      successful_expectations: rules.length - failed,
      unsuccessful_expectations: failed,
      success_percent: rules.length === 0 ? 100 : ((rules.length - failed) / rules.length) * 100,
    },
    results: rules.map((rule) => ({
      expectation_config: { type: rule.type, kwargs: { column: rule.column } },
      success: rule.unexpected === 0,
      result: {
        element_count: rowsEvaluated,
        unexpected_count: rule.unexpected,
        unexpected_percent: (rule.unexpected / rowsEvaluated) * 100,
        missing_count: 0,
        partial_unexpected_list: rule.quoted ?? [],
      },
    })),
    meta: { run_time: new Date().toISOString() },
  };
}

/** Where the cycle staged a batch's failing rows, as validateBatch records it in the report's meta. */
export type QuarantineRef = { uri: string; sha256: string; rows: number } | null;

/** A quality report as the cycle stores it: with the reference to its staged quarantine. */
export function reportWithQuarantine(rowsEvaluated: number, rules: RuleOutcome[], quarantine: QuarantineRef): Record<string, unknown> {
  const report = qualityReport(rowsEvaluated, rules);
  return { ...report, meta: { run_time: new Date().toISOString(), quarantine } };
}

export interface ApprovalSeed {
  connectorId: string;
  userId?: string;
  stream?: string;
  openedAt?: Date;
  breaches?: GuardrailBreach[];
  figures?: Partial<GateFigures>;
  approverRole?: Role;
}

/** A gate as the workflow opens it: one batch of one cycle, waiting for a decision. */
export function pendingApproval(seed: ApprovalSeed): PendingApproval {
  const openedAt = seed.openedAt ?? new Date();
  const stream = seed.stream ?? 'contact';
  const workflowId = `cycle/${seed.connectorId}/manual-${openedAt.toISOString()}`;
  const sha256 = sha256Of(`${workflowId}/${stream}`);
  const figures: GateFigures = {
    rowsThisCycle: 900,
    evaluated: 1000,
    invalid: 100,
    invalidShare: 0.1,
    deletes: 0,
    tableRows: 5000,
    schemaChanges: [],
    apiCallsThisCycle: 3,
    apiCallsToday: 40,
    estimatedCostUsd: 0,
    costTodayUsd: 0,
    ...seed.figures,
  };
  return {
    approvalId: approvalIdFor(workflowId, stream, sha256),
    connectorId: seed.connectorId,
    userId: seed.userId ?? 'owner-1',
    workflowId,
    stream,
    batch: { sha256, rows: 1000, uri: `file:///staging/${sha256}.ndjson` },
    reason: 'guardrail-breach',
    breaches: seed.breaches ?? [{ guardrail: 'maxInvalidShare', limit: 0.05, actual: figures.invalidShare, severity: 'approve' }],
    figures,
    topReasons: [{ rule: 'not_null(email)', rows: figures.invalid }],
    qualityReportId: randomUUID(),
    openedAt: openedAt.toISOString(),
    deadline: new Date(openedAt.getTime() + 86_400_000).toISOString(),
    approverRole: seed.approverRole ?? 'manager',
    onTimeout: 'reject',
  };
}

/** A person's decision on a gate, taken `afterMs` after it opened. */
export function decision(
  pending: PendingApproval,
  choice: ApprovalResolution['decision'],
  decidedBy = 'manager-7',
  afterMs = 60_000,
): ApprovalResolution {
  return {
    approvalId: pending.approvalId,
    decision: choice,
    decidedBy,
    role: 'manager',
    reason: `${choice}: checked the batch`,
    decidedAt: new Date(Date.parse(pending.openedAt) + afterMs).toISOString(),
    byPolicy: false,
  };
}
