/** Approval gates: what waits for a manager, and the manager's decision with its outcome. */
import { z } from 'zod';
import { approvalResolutionSchema, pendingApprovalSchema } from '../../activities/store/approval-schemas';
import { abandonIfClosed } from '../../activities/approval-closure';
import { APPROVAL_STATUSES, type StoredApproval } from '../../activities/store/approvals';
import type { Store } from '../../activities/store/store';
import { approvalDecisionBodySchema, type ApprovalDecisionBody } from '../../domain/approvals';
import { deliverDecision, viewApproval } from '../approvals';
import { recordApiActivity } from '../audit';
import { actingCaller, principalOf, type Principal } from '../auth/principal';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { errorAnswer } from '../response-schemas';
import { approvalIdParamsSchema, approvalsQuerySchema } from '../schemas';
import { parseRequest } from '../validation';

export const APPROVALS_PATH = '/api/v1/approvals';

/**
 * Who decides is the caller, as access control proved it: decidedBy and role may still be sent (older
 * clients do) but must then be the caller's own.
 */
export const approvalDecisionRequestSchema = approvalDecisionBodySchema.extend({
  decidedBy: approvalDecisionBodySchema.shape.decidedBy.optional(),
  role: approvalDecisionBodySchema.shape.role.optional(),
});
type ApprovalDecisionRequest = z.infer<typeof approvalDecisionRequestSchema>;

const TAG = 'approvals';

const storedApprovalSchema = z.object({
  approvalId: z.string(),
  connectorId: z.string(),
  workflowId: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  request: pendingApprovalSchema,
  resolution: approvalResolutionSchema.nullable(),
  abandoned: z
    .object({ at: z.string(), reason: z.string() })
    .nullable()
    .describe('set when the cycle closed while the approval waited: when, and why no decision reaches it'),
});

const liveGateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('waiting'), gate: pendingApprovalSchema }),
  z.object({ state: z.enum(['not-waiting', 'no-answer']), detail: z.string() }),
]);

const approvalNotFound = errorAnswer('no approval with that id');

export const listApprovalsRoute = defineRoute({
  method: 'GET',
  path: '/',
  operationId: 'listApprovals',
  summary: 'Approvals, newest first: pending by default (abandoned: their cycle closed while they waited)',
  tag: TAG,
  request: { query: approvalsQuerySchema },
  responses: { 200: { description: 'the approvals', schema: z.object({ approvals: z.array(storedApprovalSchema) }) } },
});

export const getApprovalRoute = defineRoute({
  method: 'GET',
  path: '/*approvalId',
  operationId: 'getApproval',
  summary: 'An approval as recorded; while pending, also the gate as its waiting workflow shows it',
  tag: TAG,
  request: { params: approvalIdParamsSchema },
  responses: {
    200: {
      description: 'the approval and, while pending, its live gate (no-answer when Temporal or a worker did not answer in time)',
      schema: storedApprovalSchema.extend({ live: liveGateSchema.nullable() }),
    },
    404: approvalNotFound,
  },
});

export const decideApprovalRoute = defineRoute({
  method: 'POST',
  path: '/*approvalId/decision',
  operationId: 'decideApproval',
  summary: "A manager's decision, delivered as the cycle's Workflow Update; returns what it led to",
  description: "The decider is the caller: decidedBy and role, when sent, must be the caller's own.",
  tag: TAG,
  request: { params: approvalIdParamsSchema, body: { schema: approvalDecisionRequestSchema, required: true } },
  responses: {
    200: {
      description: 'the outcome: the decision, rows loaded or deleted, and where an unloaded batch is kept',
      schema: approvalResolutionSchema.extend({ loaded: z.number(), deleted: z.number(), keptBatch: z.string().nullable() }),
    },
    202: {
      description: 'accepted, outcome not known in time: send the same decision again to wait for it',
      schema: z.object({ status: z.literal('accepted'), approvalId: z.string(), detail: z.string() }),
    },
    403: errorAnswer('this role may not decide this approval, or decidedBy or role is not the caller’s'),
    404: approvalNotFound,
    409: errorAnswer('the gate is not open: already decided, timed out, abandoned, or its cycle ended'),
    503: errorAnswer('no worker accepted the decision in time (send it again: it is never applied twice), or Temporal is unreachable'),
  },
});

/** Mounted under APPROVALS_PATH; ids may come URL-encoded or with their slashes as path segments. */
export function approvalRoutes({ store, temporal }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();

  routes.serve(listApprovalsRoute, async (req, res) => {
    const { connectorId, status, limit } = parseRequest(approvalsQuerySchema, req.query, 'query parameters');
    reply(res, listApprovalsRoute, 200, { approvals: await store.approvals.list({ connectorId, status, limit }) });
  });

  routes.serve(decideApprovalRoute, async (req, res) => {
    const { approvalId } = parseRequest(approvalIdParamsSchema, req.params, 'path parameters');
    const principal = principalOf(req);
    const body = decisionOf(principal, parseRequest(approvalDecisionRequestSchema, req.body, 'body'));
    const stored = await requireApproval(store, approvalId);
    const result = await deliverDecision(temporal, stored, body).catch(async (error: unknown) => {
      if (error instanceof ApiError && error.status < 500) {
        await auditDecision(store, stored, body, { result: 'refused', status: error.status, refusal: error.message }, principal);
      }
      if (error instanceof ApiError && error.status === 409 && stored.status === 'pending') {
        // Refused because its cycle closed: recorded so now rather than at the worker's next pass,
        // which still does it should Temporal not answer here (the refusal stands either way).
        await abandonIfClosed(temporal, store.approvals, stored).catch(() => null);
      }
      throw error;
    });
    await auditDecision(store, stored, body, { result: result.status }, principal);
    if (result.status === 'decided') reply(res, decideApprovalRoute, 200, result.outcome);
    else reply(res, decideApprovalRoute, 202, result);
  });

  routes.serve(getApprovalRoute, async (req, res) => {
    const { approvalId } = parseRequest(approvalIdParamsSchema, req.params, 'path parameters');
    reply(res, getApprovalRoute, 200, await viewApproval(temporal, store.approvals, await requireApproval(store, approvalId)));
  });

  return routes;
}

const DECIDER = { field: 'decidedBy', recordedAs: 'a decision', actor: 'decider' };

function decisionOf(principal: Principal, sent: ApprovalDecisionRequest): ApprovalDecisionBody {
  const { subject, role } = actingCaller(principal, { subject: sent.decidedBy, role: sent.role }, DECIDER);
  return { ...sent, decidedBy: subject, role };
}

async function requireApproval(store: Pick<Store, 'approvals'>, approvalId: string): Promise<StoredApproval> {
  const stored = await store.approvals.get(approvalId);
  if (!stored) throw notFound(`no approval with id ${approvalId}`);
  return stored;
}

/** Who asked for which decision through the API; the workflow's activity records the decision itself. */
async function auditDecision(
  store: Pick<Store, 'audit'>,
  stored: StoredApproval,
  body: ApprovalDecisionBody,
  result: Record<string, string | number>,
  actor: Principal,
): Promise<void> {
  const owner = { id: stored.connectorId, userId: stored.request.userId };
  const asked = { approvalId: stored.approvalId, decision: body.decision, decidedBy: body.decidedBy, role: body.role };
  await recordApiActivity(store, owner, 'approval.decision-requested', { ...asked, ...result }, actor);
}
