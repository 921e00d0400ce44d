/**
 * Runs the BigQuery simulator on its own: `tsx simulators/bigquery/main.ts`, then give a connector
 * the destination `{kind: 'bigquery', projectId: 'any', apiEndpoint: '<url>'}`.
 * BIGQUERY_SIM_PORT (default 9050), BIGQUERY_SIM_LOCATION (default US).
 */
import { z } from 'zod';
import { logger } from '../../activities/logger';
import { settingsFromEnv, stopOnSignals } from '../listen';
import { startBigQuerySimulator } from './server';

const envSchema = z.object({
  BIGQUERY_SIM_PORT: z.coerce.number().int().min(0).max(65_535).default(9050),
  BIGQUERY_SIM_LOCATION: z.string().min(1).default('US'),
});

async function main(): Promise<void> {
  const env = settingsFromEnv(envSchema);
  if (!env) return;
  const simulator = await startBigQuerySimulator({ port: env.BIGQUERY_SIM_PORT, location: env.BIGQUERY_SIM_LOCATION });
  logger.info({ url: simulator.url }, 'BigQuery simulator listening');
  stopOnSignals('BigQuery', simulator);
}

void main();
