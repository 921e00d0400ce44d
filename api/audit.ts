/**
 * The audit trail of what clients did through the API: what, on which connector, and who (the
 * principal access control proved). Callers pass names and kinds, never credentials.
 */
import type { Store } from '../activities/store/store';
import type { Connector } from '../domain/connector';
import { auditActor, type Principal } from './auth/principal';

export async function recordApiActivity(
  store: Pick<Store, 'audit'>,
  connector: Pick<Connector, 'id' | 'userId'>,
  activityType: string,
  details: Record<string, unknown>,
  actor: Principal,
): Promise<void> {
  await store.audit.record(
    { connectorId: connector.id, userId: connector.userId },
    { activityType, details: { ...details, actor: auditActor(actor), via: 'api' } },
  );
}
