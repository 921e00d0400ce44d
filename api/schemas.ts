/**
 * The request schemas of every route, used both to validate and to describe the API (openapi.ts).
 * Bodies use the domain's schemas; route and query parameters are defined here.
 */
import { z } from 'zod';
import { workflowIdOfApproval } from '../domain/approvals';
import { createConnectorSchema } from '../domain/connector';
import { automationLevelSchema, guardrailsSchema } from '../domain/guardrails';

export const connectorIdParamsSchema = z.object({ id: z.uuid({ error: 'must be a UUID' }) });

export const userIdParamsSchema = z.object({ userId: createConnectorSchema.shape.userId });

/**
 * Workflow ids contain slashes (cycle/<connector>/manual-…): the route takes them either
 * URL-encoded as one segment or as several segments, which Express hands over as an array.
 */
export const workflowIdParamsSchema = z.object({
  workflowId: z
    .array(z.string().min(1, 'must not contain empty segments'))
    .min(1)
    .transform((segments) => segments.join('/')),
});

/** Approval ids hold a workflow id (slashes included): URL-encoded as one segment, or as several. */
export const approvalIdParamsSchema = z.object({
  approvalId: z
    .array(z.string().min(1, 'must not contain empty segments'))
    .min(1)
    .transform((segments) => segments.join('/'))
    .refine((id) => workflowIdOfApproval(id) !== null, 'must be an approval id, <workflowId>~<stream>~<batch>, URL-encoded'),
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
