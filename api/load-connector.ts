import type { ControlPlaneStore } from '../activities/store/types';
import type { Connector } from '../domain/connector';
import { notFound } from './errors';

export async function requireConnector(store: ControlPlaneStore, id: string): Promise<Connector> {
  const connector = await store.getConnector(id);
  if (!connector) throw notFound(`no data warehouse connector with id ${id}`);
  return connector;
}
