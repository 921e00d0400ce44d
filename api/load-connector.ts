import type { Store } from '../activities/store/store';
import type { Connector } from '../domain/connector';
import { notFound } from './errors';

export async function requireConnector(store: Pick<Store, 'connectors'>, id: string): Promise<Connector> {
  const connector = await store.connectors.get(id);
  if (!connector) throw notFound(`no data warehouse connector with id ${id}`);
  return connector;
}
