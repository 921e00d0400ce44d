/** `tsx worker/main.ts`: the worker alone, for deployments that run the API elsewhere. */
import { Client } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { reconcileApprovalsPeriodically } from '../activities/approval-closure';
import { logger } from '../activities/logger';
import { loadKeyRing } from '../activities/secrets';
import { loadPayloadKeyRing, payloadDataConverter } from '../activities/secrets/payload-codec';
import { openStore } from '../activities/store';
import { startObservabilityServer } from './observability-server';
import { loadObservabilitySettings } from './observability-settings';
import { setCurrentVersion } from './deployment';
import { loadSettings, type Settings } from './settings';
import { installTemporalRuntime } from './temporal-runtime';
import { createWorkers, runWorkers, workerOptionsFrom } from './workers';

async function main(): Promise<void> {
  const settings = loadSettings();
  const observability = loadObservabilitySettings();
  // Before the first connection: the runtime carries the SDK's metrics exporter.
  const sdkMetrics = await installTemporalRuntime({ metricsPort: observability.temporalMetricsPort, logger });
  const secrets = await loadKeyRing(settings, logger);
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: `${settings.dataDir}/control-plane`, secrets });
  const dataKeys = await loadPayloadKeyRing(settings, logger);
  const connection = await NativeConnection.connect({ address: settings.temporalAddress, tls: settings.temporalTls });
  let stopServing = async (): Promise<void> => {};
  // Pending approvals whose cycle closed are recorded abandoned, so their gauges and alert clear.
  const temporal = new Client({ connection, namespace: settings.namespace, dataConverter: payloadDataConverter(dataKeys) });
  const reconciler = reconcileApprovalsPeriodically(temporal, store.approvals, logger);
  try {
    const workers = await createWorkers({
      ...workerOptionsFrom(settings, { connection, store, dataKeys, columnKeys: secrets }),
      deploymentVersion: settings.deploymentVersion,
    });
    const http = await startObservabilityServer({
      ...observability.workerHttp,
      scrapeToken: observability.scrapeToken,
      workers,
      sdkMetrics,
      logger,
    });
    stopServing = () => http.close();
    logger.info(
      { temporal: settings.temporalAddress, sourceRates: settings.sourceRates, deploymentVersion: settings.deploymentVersion },
      'workers running; Ctrl-C to stop',
    );
    await Promise.all([runWorkers(workers), becomeCurrent(settings, connection, workers)]);
  } finally {
    await reconciler.stop();
    await stopServing();
    // Workers created but never run (the HTTP port taken, say) still hold the connection, and its close
    // then throws: logged, so that the error that stopped the worker is the one reported.
    await connection.close().catch((error: unknown) => logger.warn({ error: String(error) }, 'the Temporal connection did not close'));
    await store.close();
  }
}

/**
 * A new build makes its version the one new workflows start on, once its workers poll. Workers that
 * cannot become current would sit idle while looking healthy: they shut down instead, saying why, and
 * the process exits non-zero once they have stopped (so that it closes what it opened first).
 */
async function becomeCurrent(settings: Settings, connection: NativeConnection, workers: Worker[]): Promise<void> {
  const version = settings.deploymentVersion;
  if (!version || !settings.setCurrentVersion) return;
  try {
    await setCurrentVersion({ connection, namespace: settings.namespace, version });
    logger.info({ deploymentVersion: version }, 'new workflows start on this version');
  } catch (error) {
    logger.error({ error: String(error) }, 'stopping: this version could not be made current');
    process.exitCode = 1;
    for (const worker of workers) worker.shutdown();
  }
}

main().catch((error: unknown) => {
  logger.error({ error: String(error) }, 'worker stopped on an error');
  process.exit(1);
});
