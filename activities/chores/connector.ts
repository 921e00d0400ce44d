/** A connector the activity was given must exist: one deleted since its cycle was scheduled is a config error. */
import type { Connector } from '../../domain/connector';
import { ConnectorError } from '../errors';
import type { ConnectorRepository } from '../store/connectors';

export async function connectorOrFail(connectors: Pick<ConnectorRepository, 'get'>, connectorId: string): Promise<Connector> {
  const connector = await connectors.get(connectorId);
  if (!connector) throw new ConnectorError('config', `connector ${connectorId} does not exist`, 'it was deleted; delete its schedule too');
  return connector;
}
