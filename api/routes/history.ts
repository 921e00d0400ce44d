/**
 * What the store keeps and nothing returned before (spec 000 FR-003): the audit log, the decisions
 * taken on approval gates, the daily metrics and the cycles' outcomes. Each is a page of the
 * connectors the caller may see, filtered by connector and time, newest first.
 */
import { z } from 'zod';
import { approvalResolutionSchema, pendingApprovalSchema } from '../../activities/store/approval-schemas';
import type { HistoryFilter, HistoryPage } from '../../activities/store/history';
import { principalOf } from '../auth/principal';
import { defineRoute, describedRouter, type DescribedRouter, type RouteContract } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { errorAnswer } from '../response-schemas';
import { parseRequest } from '../validation';
import { visibleConnectorIds } from '../visible-connectors';
import { decodeCursor, encodeCursor, historyQuerySchema, pageSchema, resolveWindow, type CursorKey } from '../window';

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

/** Each list's page key (activities/store/history.ts): what a cursor of that list holds. */
const instantAndId = z.tuple([z.iso.datetime(), z.string().min(1)]);
const PAGE_KEYS = {
  auditLog: z.tuple([z.number().int().positive()]),
  decisions: instantAndId,
  metrics: z.tuple([z.iso.date(), z.uuid()]),
  outcomes: z.tuple([z.iso.datetime(), z.uuid()]),
} satisfies Record<string, CursorKey>;

/**
 * The bounds the caller gave (their order checked): without `from` the page reads from the first
 * entry, without `to` up to the newest committed one — no bound stands in for them.
 */
function askedWindow(query: { from?: string | undefined; to?: string | undefined }): Pick<HistoryFilter, 'from' | 'to'> {
  const { from, to } = resolveWindow(query, 0);
  return { from: query.from === undefined ? null : from, to: query.to === undefined ? null : to };
}

function historyRoutes<T>(
  { store }: ResolvedApiDeps,
  contract: RouteContract,
  pageKey: CursorKey,
  list: (history: ResolvedApiDeps['store']['history'], filter: HistoryFilter) => Promise<HistoryPage<T>>,
): DescribedRouter {
  const routes = describedRouter();
  routes.serve(contract, async (req, res) => {
    const query = parseRequest(historyQuerySchema, req.query, 'query parameters');
    const principal = principalOf(req);
    const connectorIds = await visibleConnectorIds(store, principal, query.connectorId);
    const { items, nextKey } = await list(store.history, {
      connectorIds,
      includePlatform: principal.role === 'admin' && connectorIds === null,
      ...askedWindow(query),
      limit: query.limit,
      after: decodeCursor(query.cursor, pageKey),
    });
    // The body is the contract's page of T: each repository's item type is the one its schema describes.
    res.status(200).json({ items, nextCursor: nextKey === null ? null : encodeCursor(nextKey) });
  });
  return routes;
}

export const auditLogRoutes = (deps: ResolvedApiDeps) =>
  historyRoutes(deps, listAuditLogRoute, PAGE_KEYS.auditLog, (h, f) => h.auditLog(f));
export const decisionRoutes = (deps: ResolvedApiDeps) =>
  historyRoutes(deps, listDecisionsRoute, PAGE_KEYS.decisions, (h, f) => h.decisions(f));
export const metricsRoutes = (deps: ResolvedApiDeps) => historyRoutes(deps, listMetricsRoute, PAGE_KEYS.metrics, (h, f) => h.metrics(f));
export const outcomeRoutes = (deps: ResolvedApiDeps) => historyRoutes(deps, listOutcomesRoute, PAGE_KEYS.outcomes, (h, f) => h.outcomes(f));
