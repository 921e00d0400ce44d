/**
 * Request schemas that several routes share, used both to validate and to describe the API (contract.ts).
 * Bodies use the domain's schemas; route and query parameters are defined here.
 */
import { z } from 'zod';
import { APPROVAL_STATUSES } from '../activities/store/approvals';
import { createConnectorSchema } from '../domain/connector';
import { automationLevelSchema, guardrailsSchema } from '../domain/guardrails';

export const connectorIdParamsSchema = z.object({ id: z.uuid({ error: 'must be a UUID' }) });

export const userIdParamsSchema = z.object({ userId: createConnectorSchema.shape.userId });

/** Express hands a wildcard parameter (`/*workflowId`) over as its path segments: the id is what they spell. */
const segmentsJoined = (value: unknown): unknown => (Array.isArray(value) ? value.join('/') : value);

/** An id that holds slashes, sent URL-encoded as one path segment or as several segments. */
const slashedId = (id: z.ZodString) =>
  z.preprocess(
    segmentsJoined,
    id.min(1).refine((joined) => !joined.split('/').includes(''), 'must not contain empty segments'),
  );

/** Workflow ids contain slashes (cycle/<connector>/manual-…). */
export const workflowIdParamsSchema = z.object({ workflowId: slashedId(z.string().describe('the workflow id, URL-encoded')) });

/** What workflowIdOfApproval (domain/approvals.ts) takes apart: a workflow id, a stream and a batch, joined by `~`. */
const APPROVAL_ID = /^[^~]+~[^~]*~[^~]*$/;

/** Approval ids hold a workflow id (slashes included). */
export const approvalIdParamsSchema = z.object({
  approvalId: slashedId(
    z
      .string()
      .regex(APPROVAL_ID, 'must be an approval id, <workflowId>~<stream>~<batch>, URL-encoded')
      .describe('the approval id, <workflowId>~<stream>~<batch>, URL-encoded'),
  ),
});

/** A count from the query string: documented as the integer it is, read from its digits. */
export const queryLimit = z.preprocess(
  (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
  z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1).max(1000),
);

export const approvalsQuerySchema = z.object({
  connectorId: z.uuid({ error: 'must be a UUID' }).optional(),
  status: z.enum(APPROVAL_STATUSES).default('pending'),
  limit: queryLimit.optional(),
});

/** What-if: the guardrails given replace the current ones field by field; an absent field keeps its value. */
export const guardrailsPreviewBodySchema = z.object({
  guardrails: guardrailsSchema.partial().strict().optional(),
  automationLevel: automationLevelSchema.optional(),
});
