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
import { rowsOf } from './query';
import { idRow } from './rows';
import type { SqlExecutor } from './sql-client';

export interface StoredApproval {
  approvalId: string;
  connectorId: string;
  workflowId: string;
  status: 'pending' | 'decided';
  request: PendingApproval;
  resolution: ApprovalResolution | null;
}

export interface ApprovalRepository {
  /** Opens an approval (idempotent by approvalId: a replayed request changes nothing). */
  saveRequest(pending: PendingApproval): Promise<void>;
  /** Records the decision once; a second, different resolution of the same approval is refused. */
  saveResolution(resolution: ApprovalResolution): Promise<void>;
  get(approvalId: string): Promise<StoredApproval | null>;
  /** Newest first; `pending` ones have no resolution yet. */
  list(filter: ApprovalFilter): Promise<StoredApproval[]>;
}

const APPROVAL_COLUMNS = 'approval_id, connector_id, workflow_id, status, request, resolution';

const approvalRow = z
  .object({
    approval_id: z.string(),
    connector_id: z.string(),
    workflow_id: z.string(),
    status: z.enum(['pending', 'decided']),
    request: pendingApprovalSchema,
    resolution: approvalResolutionSchema.nullable(),
  })
  .transform((row): StoredApproval => ({
    approvalId: row.approval_id,
    connectorId: row.connector_id,
    workflowId: row.workflow_id,
    status: row.status,
    request: row.request,
    resolution: row.resolution,
  }));

const existingDecisionRow = z.object({ resolution: approvalResolutionSchema.nullable(), same: z.boolean().nullable() });

export interface ApprovalFilter {
  connectorId?: string;
  status?: 'pending' | 'decided';
  limit?: number;
}

const filterSchema = z.object({
  connectorId: z.string().optional(),
  status: z.enum(['pending', 'decided']).optional(),
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
    'SELECT resolution, resolution = $2::jsonb AS same FROM approval WHERE approval_id = $1',
    [resolution.approvalId, json],
  );
  if (!existing) {
    throw new ConnectorError('data', `approval ${resolution.approvalId} was never requested: a decision needs its open request`);
  }
  if (existing.same) return;
  const first = existing.resolution;
  throw new ConnectorError(
    'data',
    `approval ${resolution.approvalId} was already decided` +
      (first ? ` (${first.decision} by ${first.decidedBy} at ${first.decidedAt})` : '') +
      `; a second decision (${resolution.decision} by ${resolution.decidedBy}) is refused`,
  );
}

export async function getApproval(db: SqlExecutor, approvalId: string): Promise<StoredApproval | null> {
  if (!approvalIdSchema.safeParse(approvalId).success) return null;
  const [found] = await rowsOf(db, approvalRow, `SELECT ${APPROVAL_COLUMNS} FROM approval WHERE approval_id = $1`, [approvalId]);
  return found ?? null;
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
    get: (approvalId) => getApproval(db, approvalId),
    list: (filter) => listApprovals(db, filter),
  };
}
