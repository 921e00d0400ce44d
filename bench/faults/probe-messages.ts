/** What the fault runner and the probe in its worker process tell each other over IPC. */
import { z } from 'zod';

/** Freeze the worker at the next start or completion of one of these activities; none: hold nothing. */
export const holdRequestSchema = z.object({
  type: z.literal('hold'),
  activityTypes: z.array(z.string()),
  at: z.enum(['started', 'completed']),
});
export type HoldRequest = z.infer<typeof holdRequestSchema>;

const activityFields = {
  activityType: z.string(),
  activityId: z.string(),
  workflowId: z.string(),
  attempt: z.number(),
};

export const probeMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('activity'), event: z.enum(['started', 'completed', 'failed']), ...activityFields, durationMs: z.number() }),
  z.object({ type: z.literal('holding'), event: z.enum(['started', 'completed', 'failed']), ...activityFields }),
  z.object({ type: z.literal('worker-state'), taskQueue: z.string(), state: z.string() }),
  z.object({ type: z.literal('lag'), maxMs: z.number() }),
]);
export type ProbeMessage = z.infer<typeof probeMessageSchema>;
export type ActivityEvent = Extract<ProbeMessage, { type: 'activity' }>;
