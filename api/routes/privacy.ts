/**
 * Erasure requests (right to be forgotten, CCPA delete). POST stores the request with its subject
 * sealed and starts the erasure workflow with the request id only; GET shows the live progress
 * from a workflow query while it runs, the stored receipt once it has ended.
 */
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Router } from 'express';
import { z } from 'zod';
import {
  ERASURE_REQUEST_WORKFLOW,
  erasureProgressQuery,
  erasureRequestBodySchema,
  type ErasureReceipt,
  type ErasureRequestInput,
} from '../../domain/privacy';
import type { ResolvedApiDeps } from '../deps';
import { principalOf } from '../auth/principal';
import { notFound } from '../errors';
import { callTemporal, queryLive } from '../temporal-calls';
import { parseRequest } from '../validation';

export const PRIVACY_PATH = '/api/v1/privacy';

const requestIdParamsSchema = z.object({ id: z.uuid({ error: 'must be a UUID' }) });

export function privacyRoutes({ store, temporal, workflowTaskQueue }: ResolvedApiDeps): Router {
  const router = Router();

  router.post('/erasure-requests', async (req, res) => {
    // Who asked is whoever the credential says, whatever the body claims.
    const body = { ...parseRequest(erasureRequestBodySchema, req.body, 'body'), requestedBy: principalOf(req).subject };
    const request = await store.createErasureRequest(body);
    const input: ErasureRequestInput = { requestId: request.id };
    await callTemporal(temporal, 'the erasure was recorded but not started', async () => {
      try {
        await temporal.workflow.start(ERASURE_REQUEST_WORKFLOW, { taskQueue: workflowTaskQueue, workflowId: request.workflowId, args: [input] });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    });
    await store.appendActivity({
      configId: PLATFORM_AUDIT_ID,
      userId: body.requestedBy,
      activityType: 'privacy.erasure-requested',
      details: { requestId: request.id, workflowId: request.workflowId, reason: body.reason, subjectKind: request.subjectKind, via: 'api' },
    });
    res.status(202).json({ id: request.id, workflowId: request.workflowId, status: request.status });
  });

  router.get('/erasure-requests/:id', async (req, res) => {
    const { id } = parseRequest(requestIdParamsSchema, req.params, 'path parameters');
    const request = await store.getErasureRequest(id);
    if (!request) throw notFound(`no erasure request ${id}`);
    const ended = request.status === 'completed' || request.status === 'failed';
    const live: ErasureReceipt | null = ended
      ? null
      : await queryLive(temporal, () => temporal.workflow.getHandle(request.workflowId).query(erasureProgressQuery)).catch(() => null);
    const receipt = live ?? request.receipt;
    res.json({ id, workflowId: request.workflowId, status: receipt?.status ?? request.status, requestedAt: request.requestedAt, receipt });
  });

  return router;
}
