/** `tsx api/main.ts`: the API alone, for deployments that run the worker elsewhere. */
import { Client, Connection } from '@temporalio/client';
import { logger } from '../activities/logger';
import { loadKeyRing } from '../activities/secrets';
import { openStore } from '../activities/store';
import { loadSettings } from '../worker/settings';
import { createApp } from './app';
import { startApiServer } from './server';

async function main(): Promise<void> {
  const settings = loadSettings();
  const secrets = await loadKeyRing(settings, logger);
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: `${settings.dataDir}/control-plane`, secrets });
  const connection = await Connection.connect({ address: settings.temporalAddress });
  const temporal = new Client({ connection, namespace: settings.namespace });
  const server = await startApiServer({ app: createApp({ store, temporal, logger }), port: settings.apiPort, host: settings.apiHost });
  logger.info({ url: server.url, temporal: settings.temporalAddress }, 'API listening; Ctrl-C to stop');

  const stop = async (): Promise<void> => {
    await server.close();
    await connection.close();
    await store.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ error: String(error) }, 'API did not stop cleanly');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  logger.error({ error: String(error) }, 'API stopped on an error');
  process.exit(1);
});
