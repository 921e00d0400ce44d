/**
 * The request schemas of every route, used both to validate and to describe the API (openapi.ts).
 * Bodies use domain/connector.ts's schemas; the route parameters are defined here.
 */
import { z } from 'zod';
import { createConnectorSchema } from '../domain/connector';

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
