/** Approval gates: what waits for a manager, and the manager's decision with its outcome. */
import { Router } from 'express';
import type { z } from 'zod';
import type { ControlPlaneStore, StoredApproval } from '../../activities/store/types';
import { approvalDecisionBodySchema, type ApprovalDecisionBody } from '../../domain/approvals';
import { deliverDecision, viewApproval } from '../approvals';
import { recordApiActivity } from '../audit';
import { principalOf, type Principal } from '../auth/principal';
import type { ResolvedApiDeps } from '../deps';
import { ApiError, forbidden, notFound } from '../errors';
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

/** Mounted under APPROVALS_PATH; ids may come URL-encoded or with their slashes as path segments. */
export function approvalRoutes({ store, temporal }: ResolvedApiDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const { connectorId, status, limit } = parseRequest(approvalsQuerySchema, req.query, 'query parameters');
    res.json({ approvals: await store.listApprovals({ connectorId, status, limit }) });
  });

  router.post('/*approvalId/decision', async (req, res) => {
    const { approvalId } = parseRequest(approvalIdParamsSchema, req.params, 'path parameters');
    const principal = principalOf(req);
    const body = decisionOf(principal, parseRequest(approvalDecisionRequestSchema, req.body, 'body'));
    const stored = await requireApproval(store, approvalId);
    const result = await deliverDecision(temporal, stored, body).catch(async (error: unknown) => {
      if (error instanceof ApiError && error.status < 500) {
        await auditDecision(store, stored, body, { result: 'refused', status: error.status, refusal: error.message }, principal);
      }
      throw error;
    });
    await auditDecision(store, stored, body, { result: result.status }, principal);
    if (result.status === 'decided') res.json(result.outcome);
    else res.status(202).json(result);
  });

  router.get('/*approvalId', async (req, res) => {
    const { approvalId } = parseRequest(approvalIdParamsSchema, req.params, 'path parameters');
    res.json(await viewApproval(temporal, await requireApproval(store, approvalId)));
  });

  return router;
}

function decisionOf(principal: Principal, sent: ApprovalDecisionRequest): ApprovalDecisionBody {
  if (sent.decidedBy !== undefined && sent.decidedBy !== principal.subject) {
    throw forbidden('decidedBy must be left out or be the caller: a decision is recorded under the identity that sent it');
  }
  if (sent.role !== undefined && sent.role !== principal.role) {
    throw forbidden(`role ${sent.role} is not this credential's role (${principal.role}): leave it out, the decider's role is the caller's`);
  }
  return { ...sent, decidedBy: principal.subject, role: principal.role };
}

async function requireApproval(store: ControlPlaneStore, approvalId: string): Promise<StoredApproval> {
  const stored = await store.getApproval(approvalId);
  if (!stored) throw notFound(`no approval with id ${approvalId}`);
  return stored;
}

/** Who asked for which decision through the API; the workflow's activity records the decision itself. */
async function auditDecision(
  store: ControlPlaneStore,
  stored: StoredApproval,
  body: ApprovalDecisionBody,
  result: Record<string, string | number>,
  actor: Principal,
): Promise<void> {
  const owner = { id: stored.connectorId, userId: stored.request.userId };
  const asked = { approvalId: stored.approvalId, decision: body.decision, decidedBy: body.decidedBy, role: body.role };
  await recordApiActivity(store, owner, 'approval.decision-requested', { ...asked, ...result }, actor);
}
