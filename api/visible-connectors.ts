/**
 * Which connectors a read across connectors covers: the one asked for, else every one the caller may
 * see — all of them, or their own for the roles limited to their own (domain/access.ts).
 */
import type { Store } from '../activities/store/store';
import { OWN_CONNECTORS_ONLY } from '../domain/access';
import type { Principal } from './auth/principal';
import { forbidden } from './errors';

/** null: every connector. */
export async function visibleConnectorIds(
  store: Pick<Store, 'connectors'>,
  principal: Principal,
  requested: string | undefined,
): Promise<string[] | null> {
  if (!OWN_CONNECTORS_ONLY.includes(principal.role)) return requested === undefined ? null : [requested];
  const own = (await store.connectors.listByUser(principal.subject)).map((connector) => connector.id);
  if (requested === undefined) return own;
  if (!own.includes(requested)) {
    throw forbidden(`connectorId ${requested} is not one of your connectors: the ${principal.role} role sees its own connectors only`);
  }
  return [requested];
}
