/** The people who use Insight Hub, by what they may do. Workflow-safe. */
import { z } from 'zod';

export const ROLES = ['campaign-lead', 'creative-analyst', 'data-scientist', 'manager', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;
