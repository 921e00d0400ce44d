/** Inputs shaped like the ones the API and the cycle activities hand the store. */
import { createHash, randomUUID } from 'node:crypto';
import type { CreateConnector } from '../../domain/connector';
import type { CycleReport, CycleStatus, StreamReport } from '../../domain/cycle';

export function connectorInput(userId: string, name = 'CRM to warehouse'): CreateConnector {
  return {
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
  };
}

export const newUserId = (): string => `user-${randomUUID()}`;

export const sha256Of = (text: string): string => createHash('sha256').update(text).digest('hex');

export function streamReport(stream: string, figures: Partial<StreamReport> = {}): StreamReport {
  return {
    stream,
    outcome: 'loaded',
    batches: 1,
    extracted: 0,
    loaded: 0,
    deleted: 0,
    quarantined: 0,
    apiCalls: 0,
    failuresByRule: {},
    ...figures,
  };
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
        partial_unexpected_list: [],
      },
    })),
    meta: { run_time: new Date().toISOString() },
  };
}
