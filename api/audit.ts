/**
 * The audit trail of what clients did through the API: what, on which connector, and who (the
 * principal access control proved). Callers pass names and kinds, never credentials.
 */
import type { ControlPlaneStore } from '../activities/store/types';
import type { Connector } from '../domain/connector';
import { auditActor, type Principal } from './auth/principal';

export async function recordApiActivity(
  store: ControlPlaneStore,
  connector: Pick<Connector, 'id' | 'userId'>,
  activityType: string,
  details: Record<string, unknown>,
  actor: Principal,
): Promise<void> {
  await store.appendActivity({
    configId: connector.id,
    userId: connector.userId,
    activityType,
    details: { ...details, actor: auditActor(actor), via: 'api' },
  });
}
