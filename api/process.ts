/**
 * The API as a process serves it, alone (api/main.ts) or beside the workers (scripts/dev.ts): the
 * platform's schedules ensured, the codec over the payload keys, /metrics, the store's gauges.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from '../activities/logger';
import { registerStoreGauges } from '../activities/observability/store-gauges';
import { retentionSettingsFrom } from '../activities/privacy/retention-settings';
import type { KeyRing } from '../activities/secrets';
import { AesGcmPayloadCodec } from '../activities/secrets/payload-codec';
import type { Store } from '../activities/store/store';
import { WORKFLOW_TASK_QUEUE } from '../domain/constants';
import type { Settings } from '../worker/settings';
import { createApp } from './app';
import { withMetricsEndpoint } from './metrics-endpoint';
import { ensureCredentialCheckSchedule, ensureRetentionSchedules } from './schedules';
import { startApiServer, type RunningServer } from './server';

export interface ApiProcessParts {
  store: Store;
  /** A client whose data converter uses `payloadKeys`. */
  temporal: Client;
  payloadKeys: KeyRing;
  /** The bearer token a scraper of /metrics may use from another host (METRICS_SCRAPE_TOKEN). */
  scrapeToken: string | undefined;
  logger: Logger;
}

export async function startApiProcess(settings: Settings, parts: ApiProcessParts): Promise<RunningServer> {
  const { store, temporal, payloadKeys, scrapeToken, logger } = parts;
  await ensureRetentionSchedules(temporal, retentionSettingsFrom(), WORKFLOW_TASK_QUEUE);
  await ensureCredentialCheckSchedule(temporal, WORKFLOW_TASK_QUEUE);
  const codecEndpoint = {
    codec: new AesGcmPayloadCodec(payloadKeys),
    allowedOrigins: settings.codecAllowedOrigins,
    namespaces: [settings.namespace],
  };
  const app = withMetricsEndpoint(
    createApp({ store, temporal, logger, codecEndpoint, dataDir: settings.dataDir, duckdbMemoryLimit: settings.duckdbMemoryLimit }),
    {
      scrapeToken,
      logger,
    },
  );
  registerStoreGauges(store, logger);
  return startApiServer({ app, port: settings.apiPort, host: settings.apiHost, tls: settings.apiTls });
}
