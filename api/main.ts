/** `tsx api/main.ts`: the API alone, for deployments that run the worker elsewhere. */
import { Client, Connection } from '@temporalio/client';
import { logger } from '../activities/logger';
import { loadKeyRing } from '../activities/secrets';
import { AesGcmPayloadCodec, loadPayloadKeyRing, payloadDataConverter } from '../activities/secrets/payload-codec';
import { openStore } from '../activities/store';
import { loadSettings } from '../worker/settings';
import { createApp } from './app';
import { retentionSettingsFrom } from '../activities/privacy/retention-settings';
import { WORKFLOW_TASK_QUEUE } from '../domain/constants';
import { ensureCredentialCheckSchedule, ensureRetentionSchedules } from './schedules';
import { CODEC_PATH } from './codec-server';
import { startApiServer } from './server';
import { registerStoreGauges } from '../activities/observability/store-gauges';
import { loadObservabilitySettings } from '../worker/observability-settings';
import { withMetricsEndpoint } from './metrics-endpoint';

async function main(): Promise<void> {
  const settings = loadSettings();
  const { scrapeToken } = loadObservabilitySettings();
  const secrets = await loadKeyRing(settings, logger);
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: `${settings.dataDir}/control-plane`, secrets });
  const payloadKeys = await loadPayloadKeyRing(settings, logger);
  const connection = await Connection.connect({ address: settings.temporalAddress, tls: settings.temporalTls });
  const temporal = new Client({ connection, namespace: settings.namespace, dataConverter: payloadDataConverter(payloadKeys) });
  await ensureRetentionSchedules(temporal, retentionSettingsFrom(), WORKFLOW_TASK_QUEUE);
  await ensureCredentialCheckSchedule(temporal, WORKFLOW_TASK_QUEUE);
  const codecEndpoint = {
    codec: new AesGcmPayloadCodec(payloadKeys),
    allowedOrigins: settings.codecAllowedOrigins,
    namespaces: [settings.namespace],
  };
  const app = withMetricsEndpoint(createApp({ store, temporal, logger, codecEndpoint, dataDir: settings.dataDir }), {
    scrapeToken,
    logger,
  });
  registerStoreGauges(store, logger);
  const server = await startApiServer({ app, port: settings.apiPort, host: settings.apiHost, tls: settings.apiTls });
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
