/**
 * The approval table: a gate's request is recorded once, its decision once. Both calls come from
 * activities that Temporal may retry, so repeating the same call is harmless; a different second
 * decision is refused, because the first one may already have been acted on.
 */
import { z } from 'zod';
import type { ApprovalResolution, PendingApproval } from '../../domain/approvals';
import { ConnectorError } from '../errors';
import { approvalIdSchema, approvalResolutionSchema, pendingApprovalSchema } from './approval-schemas';
import { isUuid, limitSchema, parseInput } from './inputs';
import { columnsOf, firstRowOf, rowsOf } from './query';
import { idRow } from './rows';
import type { SqlExecutor } from './sql-client';

export const APPROVAL_STATUSES = ['pending', 'decided', 'abandoned'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** Why a pending approval will never be decided: its cycle closed while it waited. */
export interface Abandonment {
  at: string;
  reason: string;
}

export interface StoredApproval {
  approvalId: string;
  connectorId: string;
  workflowId: string;
  status: ApprovalStatus;
  request: PendingApproval;
  resolution: ApprovalResolution | null;
  abandoned: Abandonment | null;
}

export interface ApprovalRepository {
  /** Opens an approval (idempotent by approvalId: a replayed request changes nothing). */
  saveRequest(pending: PendingApproval): Promise<void>;
  /** Records the decision once; a second, different resolution of the same approval is refused. */
  saveResolution(resolution: ApprovalResolution): Promise<void>;
  /** A pending approval whose cycle closed: true when this call abandoned it, false when it was no longer pending. */
  abandon(approvalId: string, abandonment: Abandonment): Promise<boolean>;
  get(approvalId: string): Promise<StoredApproval | null>;
  /** Newest first; `pending` ones have no resolution yet. */
  list(filter: ApprovalFilter): Promise<StoredApproval[]>;
}

const approvalRow = z
  .object({
    approval_id: z.string(),
    connector_id: z.string(),
    workflow_id: z.string(),
    status: z.enum(APPROVAL_STATUSES),
    request: pendingApprovalSchema,
    resolution: approvalResolutionSchema.nullable(),
    abandoned_at: z.union([z.date(), z.string()]).nullable(),
    abandoned_reason: z.string().nullable(),
  })
  .transform((row): StoredApproval => ({
    approvalId: row.approval_id,
    connectorId: row.connector_id,
    workflowId: row.workflow_id,
    status: row.status,
    request: row.request,
    resolution: row.resolution,
    abandoned:
      row.abandoned_at !== null && row.abandoned_reason !== null
        ? { at: new Date(row.abandoned_at).toISOString(), reason: row.abandoned_reason }
        : null,
  }));

const APPROVAL_COLUMNS = columnsOf(approvalRow);

const existingDecisionRow = z.object({
  status: z.enum(APPROVAL_STATUSES),
  resolution: approvalResolutionSchema.nullable(),
  same: z.boolean().nullable(),
});

export interface ApprovalFilter {
  connectorId?: string;
  status?: ApprovalStatus;
  limit?: number;
}

const filterSchema = z.object({
  connectorId: z.string().optional(),
  status: z.enum(APPROVAL_STATUSES).optional(),
  limit: limitSchema.default(100),
});

export async function saveApprovalRequest(db: SqlExecutor, input: PendingApproval): Promise<void> {
  const pending = parseInput(pendingApprovalSchema, input, 'approval request');
  await db.query(
    `INSERT INTO approval (approval_id, connector_id, workflow_id, stream, request, opened_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (approval_id) DO NOTHING`,
    [pending.approvalId, pending.connectorId, pending.workflowId, pending.stream, JSON.stringify(pending), pending.openedAt],
  );
}

/** One conditional UPDATE decides; only when it finds nothing pending is the stored decision compared. */
export async function saveApprovalResolution(db: SqlExecutor, input: ApprovalResolution): Promise<void> {
  const resolution = parseInput(approvalResolutionSchema, input, 'approval resolution');
  const json = JSON.stringify(resolution);
  const decided = await rowsOf(
    db,
    idRow,
    `UPDATE approval SET resolution = $2::jsonb, status = 'decided', decided_at = $3
      WHERE approval_id = $1 AND status = 'pending' RETURNING approval_id AS id`,
    [resolution.approvalId, json, resolution.decidedAt],
  );
  if (decided.length > 0) return;

  const [existing] = await rowsOf(
    db,
    existingDecisionRow,
    'SELECT status, resolution, resolution = $2::jsonb AS same FROM approval WHERE approval_id = $1',
    [resolution.approvalId, json],
  );
  if (!existing) {
    throw new ConnectorError('data', `approval ${resolution.approvalId} was never requested: a decision needs its open request`);
  }
  if (existing.same) return;
  if (existing.status === 'abandoned') {
    throw new ConnectorError('data', `approval ${resolution.approvalId} was abandoned: its cycle closed, no decision reaches it`);
  }
  const first = existing.resolution;
  throw new ConnectorError(
    'data',
    `approval ${resolution.approvalId} was already decided` +
      (first ? ` (${first.decision} by ${first.decidedBy} at ${first.decidedAt})` : '') +
      `; a second decision (${resolution.decision} by ${resolution.decidedBy}) is refused`,
  );
}

const abandonmentSchema = z.object({ at: z.iso.datetime({ offset: true }), reason: z.string().min(1).max(1_000) });

/** Only from pending, so a decision already taken is never overwritten and a second call changes nothing. */
export async function abandonApproval(db: SqlExecutor, approvalId: string, input: Abandonment): Promise<boolean> {
  const { at, reason } = parseInput(abandonmentSchema, input, 'approval abandonment');
  const abandoned = await rowsOf(
    db,
    idRow,
    `UPDATE approval SET status = 'abandoned', abandoned_at = $2, abandoned_reason = $3
      WHERE approval_id = $1 AND status = 'pending' RETURNING approval_id AS id`,
    [approvalId, at, reason],
  );
  return abandoned.length > 0;
}

export async function getApproval(db: SqlExecutor, approvalId: string): Promise<StoredApproval | null> {
  if (!approvalIdSchema.safeParse(approvalId).success) return null;
  return firstRowOf(db, approvalRow, `SELECT ${APPROVAL_COLUMNS} FROM approval WHERE approval_id = $1`, [approvalId]);
}

/** Newest first; a malformed connector id names no connector, so it lists nothing. */
export async function listApprovals(db: SqlExecutor, input: ApprovalFilter): Promise<StoredApproval[]> {
  const filter = parseInput(filterSchema, input, 'approval filter');
  if (filter.connectorId !== undefined && !isUuid(filter.connectorId)) return [];
  return rowsOf(
    db,
    approvalRow,
    `SELECT ${APPROVAL_COLUMNS} FROM approval
      WHERE ($1::uuid IS NULL OR connector_id = $1::uuid) AND ($2::text IS NULL OR status = $2::text)
      ORDER BY opened_at DESC, approval_id LIMIT $3`,
    [filter.connectorId ?? null, filter.status ?? null, filter.limit],
  );
}

export function sqlApprovals(db: SqlExecutor): ApprovalRepository {
  return {
    saveRequest: (pending) => saveApprovalRequest(db, pending),
    saveResolution: (resolution) => saveApprovalResolution(db, resolution),
    abandon: (approvalId, abandonment) => abandonApproval(db, approvalId, abandonment),
    get: (approvalId) => getApproval(db, approvalId),
    list: (filter) => listApprovals(db, filter),
  };
}
