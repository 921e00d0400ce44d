/**
 * Which cycle of a connector may run: one claim row per connector, held by a workflow id. Claiming is
 * idempotent for its holder (a retried activity), and only a named stale holder can be replaced, so
 * two cycles racing for a connector cannot both win.
 */
import { z } from 'zod';
import { rowsOf } from './query';
import type { SqlExecutor } from './sql-client';

export interface CycleClaimRepository {
  /** One cycle per connector: claims it for the workflow when free; returns the workflow that holds it. */
  claim(connectorId: string, workflowId: string): Promise<string>;
  /** Hands a stale holder's claim (its workflow closed) to `workflowId`; false when another cycle took it first. */
  takeOver(connectorId: string, staleHolder: string, workflowId: string): Promise<boolean>;
  /** Idempotent; releases only the workflow's own claim. */
  release(connectorId: string, workflowId: string): Promise<void>;
  /** The workflow holding the connector's claim, if any (it may have closed without releasing it). */
  holder(connectorId: string): Promise<string | null>;
}

const holderRow = z.object({ workflow_id: z.string() });

/** Claims the connector for `workflowId` when nobody holds it; returns who holds it now. */
export async function claimCycle(db: SqlExecutor, connectorId: string, workflowId: string): Promise<string> {
  await db.query('INSERT INTO cycle_claim (connector_id, workflow_id) VALUES ($1, $2) ON CONFLICT (connector_id) DO NOTHING', [
    connectorId,
    workflowId,
  ]);
  const holder = await cycleHolder(db, connectorId);
  if (holder === null) throw new Error(`the cycle claim of connector ${connectorId} vanished while it was taken`);
  return holder;
}

/** Hands the claim from a holder that is no longer running to `workflowId`; false when someone else got there first. */
export async function takeOverCycle(db: SqlExecutor, connectorId: string, staleHolder: string, workflowId: string): Promise<boolean> {
  const taken = await rowsOf(
    db,
    holderRow,
    `UPDATE cycle_claim SET workflow_id = $3, claimed_at = now()
     WHERE connector_id = $1 AND workflow_id = $2 RETURNING workflow_id`,
    [connectorId, staleHolder, workflowId],
  );
  return taken.length > 0;
}

/** Idempotent; a cycle that does not hold the claim releases nothing. */
export async function releaseCycle(db: SqlExecutor, connectorId: string, workflowId: string): Promise<void> {
  await db.query('DELETE FROM cycle_claim WHERE connector_id = $1 AND workflow_id = $2', [connectorId, workflowId]);
}

export async function cycleHolder(db: SqlExecutor, connectorId: string): Promise<string | null> {
  const [row] = await rowsOf(db, holderRow, 'SELECT workflow_id FROM cycle_claim WHERE connector_id = $1', [connectorId]);
  return row?.workflow_id ?? null;
}

export function sqlCycleClaims(db: SqlExecutor): CycleClaimRepository {
  return {
    claim: (connectorId, workflowId) => claimCycle(db, connectorId, workflowId),
    takeOver: (connectorId, staleHolder, workflowId) => takeOverCycle(db, connectorId, staleHolder, workflowId),
    release: (connectorId, workflowId) => releaseCycle(db, connectorId, workflowId),
    holder: (connectorId) => cycleHolder(db, connectorId),
  };
}
