/** `tsx worker/main.ts`: the worker alone, for deployments that run the API elsewhere. */
import { NativeConnection } from '@temporalio/worker';
import { logger } from '../activities/logger';
import { loadKeyRing } from '../activities/secrets';
import { loadPayloadKeyRing } from '../activities/secrets/payload-codec';
import { openStore } from '../activities/store';
import { loadSettings } from './settings';
import { createWorkers, runWorkers } from './workers';

async function main(): Promise<void> {
  const settings = loadSettings();
  const secrets = await loadKeyRing(settings, logger);
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: `${settings.dataDir}/control-plane`, secrets });
  const dataKeys = await loadPayloadKeyRing(settings, logger);
  const connection = await NativeConnection.connect({ address: settings.temporalAddress, tls: settings.temporalTls });
  try {
    const workers = await createWorkers({
      connection,
      namespace: settings.namespace,
      store,
      dataDir: settings.dataDir,
      dataKeys,
      rateLimits: settings.sourceRates,
    });
    logger.info({ temporal: settings.temporalAddress, sourceRates: settings.sourceRates }, 'workers running; Ctrl-C to stop');
    await runWorkers(workers);
  } finally {
    await connection.close();
    await store.close();
  }
}

main().catch((error: unknown) => {
  logger.error({ error: String(error) }, 'worker stopped on an error');
  process.exit(1);
});
