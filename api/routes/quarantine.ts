/**
 * Quarantined batches: the quality reports that hold them, and a manager re-validating one with a
 * changed suite. The re-validation runs as its own workflow, started by type name; the caller waits
 * for its figures.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure, isGrpcCancelledError, isGrpcDeadlineError, WorkflowFailedError, type Client } from '@temporalio/client';
import { revalidationWorkflowId } from '../../domain/constants';
import { z } from 'zod';
import type { Connector } from '../../domain/connector';
import { roleSchema, type Role } from '../../domain/access';
import { REVALIDATE_QUARANTINE_WORKFLOW, type QuarantineRevalidation, type RevalidateQuarantineInput } from '../../domain/messages';
import { recordApiActivity } from '../audit';
import { actingCaller, principalOf, type Principal } from '../auth/principal';
import { defineRoute, describedRouter, reply, type DescribedRouter } from '../contract';
import type { ResolvedApiDeps } from '../deps';
import { ApiError, forbidden, notFound, temporalUnavailable } from '../errors';
import { requireConnector } from '../load-connector';
import { connectorNotFound, errorAnswer } from '../response-schemas';
import { approvalsQuerySchema, connectorIdParamsSchema } from '../schemas';
import { isTemporalUnreachable } from '../temporal-calls';
import { parseRequest } from '../validation';

/** How long the caller waits for the re-validation's figures (it loads the released rows) before a 503. */
export const REVALIDATION_WAIT_MS = 60_000;

export const qualityReportsQuerySchema = z.object({
  stream: z.string().min(1).max(100).optional(),
  limit: approvalsQuerySchema.shape.limit,
});

export const revalidateQuarantineBodySchema = z.object({
  qualityReportId: z.uuid({ error: 'must be a UUID' }),
  /** Its content is checked by the workflow's activity, which names the bad field. */
  suite: z.record(z.string(), z.unknown(), { error: 'must be an expectation suite in Great Expectations JSON (an object)' }),
  /** Who asks is the caller, as access control proved it: these may be sent, but then must be the caller's own. */
  requestedBy: z.string().min(1).max(255).optional(),
  role: roleSchema.optional(),
});
export type RevalidateQuarantineBody = z.infer<typeof revalidateQuarantineBodySchema>;

interface Requester {
  requestedBy: string;
  role: Role;
}

/** The workflow's signature, so the run started by name has typed arguments and result. */
type RevalidateQuarantineWorkflow = (input: RevalidateQuarantineInput) => Promise<QuarantineRevalidation>;

/** The same suite sent again for the same report names the same run, so a retried POST joins it. */
const suiteHash = (suite: unknown): string => createHash('sha256').update(JSON.stringify(suite)).digest('hex').slice(0, 16);

const TAG = 'quality';

const qualityReportSchema = z.object({
  id: z.string(),
  stream: z.string(),
  batchSha256: z.string(),
  createdAt: z.string(),
  rules: z
    .array(z.object({ rule: z.string(), elementCount: z.number(), unexpectedCount: z.number() }))
    .describe("per expectation, by the gate's rule label"),
  quarantinedRows: z.number().nullable().describe('null when the report predates stored quarantine references'),
});

export const listQualityReportsRoute = defineRoute({
  method: 'GET',
  path: '/:id/quality-reports',
  operationId: 'listQualityReports',
  summary: "The connector's quality reports, newest first: rows evaluated and failing per rule, rows quarantined; never record values",
  tag: TAG,
  request: { params: connectorIdParamsSchema, query: qualityReportsQuerySchema },
  responses: { 200: { description: 'the reports', schema: z.object({ reports: z.array(qualityReportSchema) }) }, 404: connectorNotFound },
});

const revalidationSchema = z.object({
  connectorId: z.string(),
  qualityReportId: z.string(),
  stream: z.string(),
  suiteName: z.string(),
  suiteHash: z.string(),
  outcome: z.enum(['applied', 'already-applied', 'nothing-quarantined']),
  evaluated: z.number(),
  released: z.number().describe('rows that pass the new suite: loaded, and out of the quarantine'),
  stillQuarantined: z.number(),
  failuresByRule: z.record(z.string(), z.number()),
  loadId: z.string().nullable(),
  merged: z.number(),
}) satisfies z.ZodType<QuarantineRevalidation>;

export const revalidateQuarantineRoute = defineRoute({
  method: 'POST',
  path: '/:id/quarantine/revalidate',
  operationId: 'revalidateQuarantine',
  summary: "Re-validate a quality report's quarantined rows with a changed suite; rows that now pass are loaded (audited)",
  tag: TAG,
  request: { params: connectorIdParamsSchema, body: { schema: revalidateQuarantineBodySchema, required: true } },
  responses: {
    200: { description: 'what the re-validation did: rows evaluated, released, still quarantined per rule', schema: revalidationSchema },
    400: errorAnswer('an invalid body, or a suite or report the re-validation refused: the message names the field'),
    403: errorAnswer('this role may not re-validate: it takes the approval policy’s approver role or admin'),
    404: errorAnswer('no connector with that id, or it has no such quality report'),
    503: errorAnswer('no result in time, or Temporal is unreachable: send the same request again to join the same run'),
  },
});

/** Mounted under the connectors path: GET /:id/quality-reports and POST /:id/quarantine/revalidate. */
export function quarantineRoutes({ store, temporal, workflowTaskQueue }: ResolvedApiDeps): DescribedRouter {
  const routes = describedRouter();

  routes.serve(listQualityReportsRoute, async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    const { stream, limit } = parseRequest(qualityReportsQuerySchema, req.query, 'query parameters');
    await requireConnector(store, id);
    reply(res, listQualityReportsRoute, 200, { reports: await store.qualityReports.list(id, { stream, limit }) });
  });

  routes.serve(revalidateQuarantineRoute, async (req, res) => {
    const { id } = parseRequest(connectorIdParamsSchema, req.params, 'path parameters');
    const body = parseRequest(revalidateQuarantineBodySchema, req.body, 'body');
    const principal = principalOf(req);
    const requester = requesterOf(principal, body);
    const connector = await requireConnector(store, id);
    const report = await store.qualityReports.get(body.qualityReportId);
    if (!report || report.connectorId !== id) throw notFound(`connector ${id} has no quality report ${body.qualityReportId}`);

    const workflowId = revalidationWorkflowId(id, body.qualityReportId, suiteHash(body.suite));
    const asked = { qualityReportId: body.qualityReportId, stream: report.stream, ...requester, workflowId };
    try {
      refuseRole(connector, requester);
      const input = { connectorId: id, qualityReportId: body.qualityReportId, suite: body.suite, requestedBy: requester.requestedBy };
      const result = await revalidate(temporal, workflowTaskQueue, workflowId, input);
      await recordApiActivity(store, connector, 'quarantine.revalidation-requested', { ...asked, result: result.outcome }, principal);
      reply(res, revalidateQuarantineRoute, 200, result);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) {
        const refused = { result: 'refused', status: error.status, refusal: error.message };
        await recordApiActivity(store, connector, 'quarantine.revalidation-requested', { ...asked, ...refused }, principal);
      }
      throw error;
    }
  });

  return routes;
}

const REQUESTER = { field: 'requestedBy', recordedAs: 'a re-validation', actor: 'requester' };

function requesterOf(principal: Principal, body: RevalidateQuarantineBody): Requester {
  const { subject, role } = actingCaller(principal, { subject: body.requestedBy, role: body.role }, REQUESTER);
  return { requestedBy: subject, role };
}

/** Releasing quarantined rows is a decision like an approval: the same role decides. */
function refuseRole(connector: Connector, { role }: Requester): void {
  const { approverRole } = connector.configuration.approvalPolicy;
  if (role === approverRole || role === 'admin') return;
  throw forbidden(`role ${role} may not re-validate quarantined rows of connector ${connector.id}: it takes ${approverRole} or admin`);
}

async function revalidate(
  client: Client,
  taskQueue: string,
  workflowId: string,
  { connectorId, qualityReportId, suite, requestedBy }: RevalidateQuarantineInput,
): Promise<QuarantineRevalidation> {
  try {
    return await client.withDeadline(Date.now() + REVALIDATION_WAIT_MS, () =>
      client.workflow.execute<RevalidateQuarantineWorkflow>(REVALIDATE_QUARANTINE_WORKFLOW, {
        taskQueue,
        workflowId,
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ connectorId, qualityReportId, suite, requestedBy }],
      }),
    );
  } catch (error) {
    throw revalidationFailure(error, workflowId);
  }
}

function revalidationFailure(error: unknown, workflowId: string): unknown {
  const refusal = error instanceof WorkflowFailedError ? configErrorIn(error.cause) : null;
  if (refusal) return new ApiError(400, 'revalidation_refused', refusal.message);
  if (isGrpcDeadlineError(error) || isGrpcCancelledError(error)) {
    return new ApiError(
      503,
      'revalidation_not_finished',
      `re-validation ${workflowId} did not finish within ${REVALIDATION_WAIT_MS / 1_000} s: ` +
        'send the same request again to wait for its result, it is never run twice',
    );
  }
  if (isTemporalUnreachable(error)) return temporalUnavailable('no re-validation was started');
  return error;
}

/** The activity's config-error (bad suite, report not re-validatable) arrives wrapped in an ActivityFailure. */
function configErrorIn(failure: unknown): ApplicationFailure | null {
  for (let cause = failure; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && cause.type === 'config-error') return cause;
  }
  return null;
}
