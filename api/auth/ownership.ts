/**
 * Whose resource a request names, for roles limited to their own connectors. A connector that does
 * not exist protects nothing (the route answers 404); a run whose connector cannot be found might
 * still be stored, so it is refused.
 */
import { z } from 'zod';
import type { Store } from '../../activities/store/store';
import type { OwnershipRule } from './policy';

/** `unprovable`: the resource may exist but its owner cannot be told, so a limited role is refused. */
export type Ownership = { state: 'owned-by'; userId: string } | { state: 'nothing-to-protect' } | { state: 'unprovable' };

export type RouteParams = Record<string, string>;

const CYCLE_WORKFLOW_ID = /^cycle\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//i;
const uuidSchema = z.uuid();
const bodyUserSchema = z.object({ userId: z.string() });

/** The connector a route names, when it names one: for the audit entry as much as for ownership. */
export function connectorIdOf(rule: OwnershipRule | undefined, params: RouteParams): string | null {
  if (rule === 'connector-id-in-path') return uuidSchema.safeParse(params.id).success ? (params.id ?? null) : null;
  if (rule === 'connector-in-workflow-id') return CYCLE_WORKFLOW_ID.exec(params.workflowId ?? '')?.[1] ?? null;
  return null;
}

export async function ownershipOf(
  rule: OwnershipRule,
  params: RouteParams,
  body: unknown,
  store: Pick<Store, 'connectors'>,
): Promise<Ownership> {
  switch (rule) {
    case 'connector-id-in-path': {
      const id = connectorIdOf(rule, params);
      const connector = id === null ? null : await store.connectors.get(id);
      return connector ? { state: 'owned-by', userId: connector.userId } : { state: 'nothing-to-protect' };
    }
    case 'connector-in-workflow-id': {
      const id = connectorIdOf(rule, params);
      const connector = id === null ? null : await store.connectors.get(id);
      return connector ? { state: 'owned-by', userId: connector.userId } : { state: 'unprovable' };
    }
    case 'user-id-in-path':
      return params.userId === undefined ? { state: 'nothing-to-protect' } : { state: 'owned-by', userId: params.userId };
    case 'user-id-in-body': {
      const sent = bodyUserSchema.safeParse(body);
      return sent.success ? { state: 'owned-by', userId: sent.data.userId } : { state: 'nothing-to-protect' };
    }
  }
}
