/**
 * Request schemas that several routes share, used both to validate and to describe the API (contract.ts).
 * Bodies use the domain's schemas; route and query parameters are defined here.
 */
import { z } from 'zod';
import { workflowIdOfApproval } from '../domain/approvals';
import { createConnectorSchema } from '../domain/connector';
import { automationLevelSchema, guardrailsSchema } from '../domain/guardrails';

export const connectorIdParamsSchema = z.object({ id: z.uuid({ error: 'must be a UUID' }) });

export const userIdParamsSchema = z.object({ userId: createConnectorSchema.shape.userId });

/** Express hands a wildcard parameter (`/*workflowId`) over as its path segments: the id is what they spell. */
const segmentsJoined = (value: unknown): unknown => (Array.isArray(value) ? value.join('/') : value);

/** An id that holds slashes, sent URL-encoded as one path segment or as several segments. */
const slashedId = (description: string) =>
  z.preprocess(
    segmentsJoined,
    z
      .string()
      .min(1)
      .refine((id) => !id.split('/').includes(''), 'must not contain empty segments')
      .describe(description),
  );

/** Workflow ids contain slashes (cycle/<connector>/manual-…). */
export const workflowIdParamsSchema = z.object({ workflowId: slashedId('the workflow id, URL-encoded') });

/** Approval ids hold a workflow id (slashes included). */
export const approvalIdParamsSchema = z.object({
  approvalId: slashedId('the approval id, <workflowId>~<stream>~<batch>, URL-encoded').refine(
    (id) => workflowIdOfApproval(id) !== null,
    'must be an approval id, <workflowId>~<stream>~<batch>, URL-encoded',
  ),
});

export const APPROVAL_STATUSES = ['pending', 'decided'] as const;

export const approvalsQuerySchema = z.object({
  connectorId: z.uuid({ error: 'must be a UUID' }).optional(),
  status: z.enum(APPROVAL_STATUSES).default('pending'),
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .optional(),
});

/** What-if: the guardrails given replace the current ones field by field; an absent field keeps its value. */
export const guardrailsPreviewBodySchema = z.object({
  guardrails: guardrailsSchema.partial().strict().optional(),
  automationLevel: automationLevelSchema.optional(),
});
