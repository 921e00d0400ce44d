/**
 * Erasure requests (right to be forgotten, CCPA delete). POST stores the request with its subject
 * sealed and starts the erasure workflow with the request id only; GET shows the live progress
 * from a workflow query while it runs, the stored receipt once it has ended.
 */
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import {
  ERASURE_REQUEST_WORKFLOW,
  ERASURE_STATUSES,
  erasureProgressQuery,
  erasureReceiptSchema,
  erasureRequestBodySchema,
  type ErasureReceipt,
  type ErasureRequestInput,
} from '../../domain/privacy';
import type { ResolvedApiDeps } from '../deps';
import { principalOf } from '../auth/principal';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import { notFound } from '../errors';
import { errorAnswer } from '../response-schemas';
import { callTemporal, queryLive } from '../temporal-calls';
import { parseRequest } from '../validation';

export const PRIVACY_PATH = '/api/v1/privacy';

const requestIdParamsSchema = z.object({ id: z.uuid({ error: 'must be a UUID' }) });

const TAG = 'privacy';
const erasureStatusSchema = z.enum(ERASURE_STATUSES);

export const requestErasureRoute = defineRoute({
  method: 'POST',
  path: '/erasure-requests',
  operationId: 'requestErasure',
  summary:
    'Ask for a subject to be erased everywhere (right to be forgotten, CCPA delete): the request is stored sealed and its workflow started',
  description: 'Who asked is the caller, whatever the body says; the workflow gets the request id only.',
  tag: TAG,
  request: { body: { schema: erasureRequestBodySchema, required: true } },
  responses: {
    202: {
      description: 'the request, accepted: follow it with GET …/erasure-requests/{id}',
      schema: z.object({ id: z.uuid(), workflowId: z.string(), status: erasureStatusSchema }),
    },
  },
  temporal: 'the erasure was recorded but not started',
});

export const getErasureRoute = defineRoute({
  method: 'GET',
  path: '/erasure-requests/:id',
  operationId: 'getErasure',
  summary:
    "An erasure request's progress while it runs (a live workflow query), its receipt once it ended: what was deleted where; never the subject",
  tag: TAG,
  request: { params: requestIdParamsSchema },
  responses: {
    200: {
      description: 'the request and its receipt (null until the workflow has read the request)',
      schema: z.object({
        id: z.uuid(),
        workflowId: z.string(),
        status: erasureStatusSchema,
        requestedAt: z.string(),
        receipt: erasureReceiptSchema.nullable(),
      }),
    },
    404: errorAnswer('no erasure request with that id'),
  },
});

export function privacyRoutes({ store, temporal, workflowTaskQueue }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();

  routes.serve(requestErasureRoute, async (req, res) => {
    // Who asked is whoever the credential says, whatever the body claims.
    const body = { ...parseRequest(erasureRequestBodySchema, req.body, 'body'), requestedBy: principalOf(req).subject };
    const request = await store.privacy.createErasureRequest(body);
    const input: ErasureRequestInput = { requestId: request.id };
    await callTemporal(temporal, requestErasureRoute.temporal, async () => {
      try {
        await temporal.workflow.start(ERASURE_REQUEST_WORKFLOW, {
          taskQueue: workflowTaskQueue,
          workflowId: request.workflowId,
          args: [input],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    });
    await store.audit.record(
      { connectorId: PLATFORM_AUDIT_ID, userId: body.requestedBy },
      {
        activityType: 'privacy.erasure-requested',
        details: {
          requestId: request.id,
          workflowId: request.workflowId,
          reason: body.reason,
          subjectKind: request.subjectKind,
          via: 'api',
        },
      },
    );
    reply(res, requestErasureRoute, 202, { id: request.id, workflowId: request.workflowId, status: request.status });
  });

  routes.serve(getErasureRoute, async (req, res) => {
    const { id } = parseRequest(requestIdParamsSchema, req.params, 'path parameters');
    const request = await store.privacy.getErasureRequest(id);
    if (!request) throw notFound(`no erasure request ${id}`);
    const ended = request.status === 'completed' || request.status === 'failed';
    const live: ErasureReceipt | null = ended
      ? null
      : await queryLive(temporal, () => temporal.workflow.getHandle(request.workflowId).query(erasureProgressQuery)).catch(() => null);
    const receipt = live ?? request.receipt;
    reply(res, getErasureRoute, 200, {
      id,
      workflowId: request.workflowId,
      status: receipt?.status ?? request.status,
      requestedAt: request.requestedAt,
      receipt,
    });
  });

  return routes;
}
