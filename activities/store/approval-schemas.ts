/**
 * zod for what the approval gate hands the store and reads back: domain/approvals.ts declares the
 * shapes as interfaces, checked here on the way in and on the way out of the approval table.
 */
import { z } from 'zod';
import { roleSchema } from '../../domain/access';
import { workflowIdOfApproval, type ApprovalResolution, type PendingApproval } from '../../domain/approvals';
import { guardrailOverrideSchema, guardrailsSchema, type GateFigures, type GuardrailBreach } from '../../domain/guardrails';
import type { ColumnType, StreamColumn } from '../../domain/streams/types';

const count = z.number().int().nonnegative();
const amount = z.number().finite().nonnegative();
const isoTimestamp = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' });

export const approvalIdSchema = z
  .string()
  .min(1)
  .max(1_000)
  .refine((id) => workflowIdOfApproval(id) !== null, 'must be <workflowId>~<stream>~<batch sha256 prefix>');

const breachSchema = z.object({
  guardrail: guardrailsSchema.keyof(),
  limit: z.union([z.number(), z.string()]),
  actual: z.union([z.number(), z.string()]),
  severity: z.enum(['approve', 'block']),
}) satisfies z.ZodType<GuardrailBreach>;

export const gateFiguresSchema = z.object({
  rowsThisCycle: count,
  evaluated: count,
  invalid: count,
  invalidShare: z.number().min(0).max(1),
  deletes: count,
  tableRows: count,
  schemaChanges: z.array(
    z.object({
      column: z.string().min(1),
      change: z.enum(['added', 'dropped', 'retyped']),
      from: z.string().optional(),
      to: z.string().optional(),
    }),
  ),
  apiCallsThisCycle: count,
  apiCallsToday: count,
  estimatedCostUsd: amount,
  costTodayUsd: amount,
  failedExpectations: z.array(z.string()).optional(),
}) satisfies z.ZodType<GateFigures>;

export const pendingApprovalSchema = z
  .object({
    approvalId: approvalIdSchema,
    connectorId: z.uuid({ error: 'must be a UUID' }),
    userId: z.string().min(1).max(255),
    workflowId: z.string().min(1),
    stream: z.string().min(1).max(100),
    batch: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256'), rows: count, uri: z.string().min(1) }),
    reason: z.enum(['guardrail-breach', 'always-approve']),
    breaches: z.array(breachSchema),
    figures: gateFiguresSchema,
    topReasons: z.array(z.object({ rule: z.string(), rows: count })),
    qualityReportId: z.string(),
    openedAt: isoTimestamp,
    deadline: isoTimestamp,
    approverRole: roleSchema,
    onTimeout: z.enum(['approve', 'reject']),
  })
  .refine((pending) => workflowIdOfApproval(pending.approvalId) === pending.workflowId, {
    path: ['approvalId'],
    message: 'must start with the workflowId it belongs to',
  }) satisfies z.ZodType<PendingApproval>;

/**
 * The override as the decision named it. guardrailOverrideSchema's fields keep the defaults of
 * guardrailsSchema, which would add limits nobody lifted: only its keys are used here.
 */
const recordedOverrideSchema = z.partialRecord(guardrailOverrideSchema.keyof(), amount);

export const approvalResolutionSchema = z.object({
  approvalId: approvalIdSchema,
  decision: z.enum(['approve', 'reject', 'skip']),
  decidedBy: z.string().min(1).max(255),
  role: roleSchema.nullable(),
  reason: z.string().max(2_000),
  decidedAt: isoTimestamp,
  byPolicy: z.boolean(),
  override: recordedOverrideSchema.optional(),
}) satisfies z.ZodType<ApprovalResolution>;

/** Every column type, so the compiler reports one the store would not accept. */
const COLUMN_TYPES = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  timestamp: 'timestamp',
  date: 'date',
  json: 'json',
} as const satisfies { [T in ColumnType]: T };

export const streamColumnsSchema = z.array(
  z.object({
    name: z.string().min(1),
    type: z.enum(COLUMN_TYPES),
    sourceField: z.string().min(1).optional(),
    personal: z.boolean().optional(),
  }) satisfies z.ZodType<StreamColumn>,
);
