/** The audit trail of what clients did through the API. Callers pass names and kinds, never credentials. */
import type { ControlPlaneStore } from '../activities/store/types';
import type { Connector } from '../domain/connector';

export async function recordApiActivity(
  store: ControlPlaneStore,
  connector: Pick<Connector, 'id' | 'userId'>,
  activityType: string,
  details: Record<string, unknown>,
): Promise<void> {
  await store.appendActivity({ configId: connector.id, userId: connector.userId, activityType, details: { ...details, via: 'api' } });
}
