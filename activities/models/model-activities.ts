/**
 * The models' activity: refresh a connector's destination after a load. It takes the connector's
 * id, never rows; what it returns names models only. Idempotent: a retry finds the fingerprints the
 * first attempt committed and rebuilds nothing (refresh.ts).
 */
import { connectorOrFail, withWarehouse, type ConnectWarehouse } from '../chores';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import { modelSettingsOf } from './model-settings';
import { refreshModels, type ModelRefresh } from './refresh';

export interface ModelActivityDeps {
  store: Pick<Store, 'connectors' | 'sourceCatalogs'>;
  connectWarehouse: ConnectWarehouse;
  logger: Logger;
}

export function createModelActivities(deps: ModelActivityDeps) {
  return {
    /** Rebuilds the models of the connector's destination whose sources (or the active rules of the connectors loading it) changed. */
    async refreshModels(connectorId: string): Promise<ModelRefresh> {
      const connector = await connectorOrFail(deps.store.connectors, connectorId);
      const started = Date.now();
      const { destination } = connector.configuration;
      const settings = await modelSettingsOf(deps.store.sourceCatalogs, await deps.store.connectors.list(), destination);
      const refresh = await withWarehouse(deps.connectWarehouse, destination, (warehouse) => refreshModels(warehouse, settings));
      deps.logger.info({ connectorId, ...refresh, ms: Date.now() - started }, 'customer models refreshed');
      return refresh;
    },
  };
}
