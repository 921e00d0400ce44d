/** `tsx api/main.ts`: the API alone, for deployments that run the worker elsewhere. */
import { Client, Connection } from '@temporalio/client';
import { logger } from '../activities/logger';
import { loadKeyRing } from '../activities/secrets';
import { loadPayloadKeyRing, payloadDataConverter } from '../activities/secrets/payload-codec';
import { openStore } from '../activities/store';
import { loadSettings } from '../worker/settings';
import { CODEC_PATH } from './codec-server';
import { startApiProcess } from './process';
import { loadObservabilitySettings } from '../worker/observability-settings';

async function main(): Promise<void> {
  const settings = loadSettings();
  const { scrapeToken } = loadObservabilitySettings();
  const secrets = await loadKeyRing(settings, logger);
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: `${settings.dataDir}/control-plane`, secrets });
  const payloadKeys = await loadPayloadKeyRing(settings, logger);
  const connection = await Connection.connect({ address: settings.temporalAddress, tls: settings.temporalTls });
  const temporal = new Client({ connection, namespace: settings.namespace, dataConverter: payloadDataConverter(payloadKeys) });
  const server = await startApiProcess(settings, { store, temporal, payloadKeys, scrapeToken, logger });
  logger.info(
    { url: server.url, codec: `${server.url}${CODEC_PATH}`, temporal: settings.temporalAddress },
    'API listening; Ctrl-C to stop',
  );

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
