/**
 * What the store keeps and nothing returned before (spec 000 FR-003): the audit log, the decisions
 * taken on approval gates, the daily metrics and the cycles' outcomes. Each is a page of the
 * connectors the caller may see, filtered by connector and time, newest first.
 */
import { z } from 'zod';
import { approvalResolutionSchema, pendingApprovalSchema } from '../../activities/store/approval-schemas';
import { defineRoute } from '../contract';
import { errorAnswer } from '../response-schemas';
import { historyQuerySchema, pageSchema } from '../window';

export const AUDIT_LOG_PATH = '/api/v1/audit-log';
export const DECISIONS_PATH = '/api/v1/decisions';
export const METRICS_PATH = '/api/v1/metrics';
export const OUTCOMES_PATH = '/api/v1/outcomes';

const TAG = 'history';
const timestamp = z.string().describe('ISO-8601');
const counters = z.record(z.string(), z.number());
const notYours = errorAnswer('the connector named is not one this caller may see');

const auditEntrySchema = z.object({
  id: z.string(),
  connectorId: z.string().describe('the connector, or 00000000-0000-0000-0000-000000000000 for platform entries'),
  userId: z.string(),
  activityType: z.string().describe('e.g. connector.created, cycle.completed, batch.blocked, approval.decided, warehouse.query'),
  details: z.record(z.string(), z.unknown()),
  metrics: counters.nullable(),
  createdAt: timestamp,
});

const decisionSchema = z.object({
  approvalId: z.string(),
  connectorId: z.string(),
  workflowId: z.string(),
  stream: z.string(),
  request: pendingApprovalSchema.describe('the figures the gate showed and the guardrails they breached'),
  resolution: approvalResolutionSchema.describe('who decided what, when and why'),
  openedAt: timestamp,
  decidedAt: timestamp,
});

const dailyMetricsSchema = z.object({
  connectorId: z.string(),
  date: z.string().describe('the UTC day, YYYY-MM-DD'),
  metrics: counters.describe('runs, runs_<status>, rowsLoaded, rowsQuarantined, apiCalls, costUsd, approvals_<decision>…'),
});

const outcomeSchema = z.object({
  id: z.string(),
  connectorId: z.string(),
  predicted: counters,
  actual: counters,
  accuracy: z.number().nullable(),
  createdAt: timestamp,
});

const historyRoute = <T extends z.ZodType>(operationId: string, summary: string, item: T) =>
  defineRoute({
    method: 'GET',
    path: '/',
    operationId,
    summary,
    tag: TAG,
    request: { query: historyQuerySchema },
    responses: { 200: { description: 'one page, newest first', schema: pageSchema(item) }, 403: notYours },
  });

export const listAuditLogRoute = historyRoute(
  'listAuditLog',
  'The audit log of the connectors the caller may see (platform entries for admins), newest first',
  auditEntrySchema,
);
export const listDecisionsRoute = historyRoute(
  'listDecisions',
  'Decided approval gates: the figures, the breached guardrails and the decision, newest first',
  decisionSchema,
);
export const listMetricsRoute = historyRoute('listMetrics', 'Daily counters per connector and UTC day, newest first', dailyMetricsSchema);
export const listOutcomesRoute = historyRoute('listOutcomes', "Each cycle's predicted against actual figures, newest first", outcomeSchema);
