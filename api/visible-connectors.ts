/**
 * Which connectors a read across connectors covers: the one asked for, else every one the caller may
 * see — all of them, or their own for the roles limited to their own (domain/access.ts).
 */
import type { Store } from '../activities/store/store';
import type { Connector } from '../domain/connector';
import { OWN_CONNECTORS_ONLY } from '../domain/access';
import type { Principal } from './auth/principal';
import { forbidden } from './errors';

/** The connectors the caller may see, or the one asked for among them (403 when a role limited to its own asks for another's). */
export async function visibleConnectors(store: Pick<Store, 'connectors'>, principal: Principal, requested?: string): Promise<Connector[]> {
  const ownOnly = OWN_CONNECTORS_ONLY.includes(principal.role);
  const visible = ownOnly ? await store.connectors.listByUser(principal.subject) : await store.connectors.list();
  if (requested === undefined) return visible;
  const asked = visible.filter((connector) => connector.id === requested);
  if (ownOnly && asked.length === 0) throw notOwn(principal, requested);
  return asked;
}

const notOwn = (principal: Principal, requested: string) =>
  forbidden(`connectorId ${requested} is not one of your connectors: the ${principal.role} role sees its own connectors only`);

/** null: every connector (nothing read for roles that see them all). */
export async function visibleConnectorIds(
  store: Pick<Store, 'connectors'>,
  principal: Principal,
  requested: string | undefined,
): Promise<string[] | null> {
  if (!OWN_CONNECTORS_ONLY.includes(principal.role)) return requested === undefined ? null : [requested];
  const own = (await store.connectors.listByUser(principal.subject)).map((connector) => connector.id);
  if (requested === undefined) return own;
  if (!own.includes(requested)) throw notOwn(principal, requested);
  return [requested];
}
