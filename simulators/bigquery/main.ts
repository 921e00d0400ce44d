/**
 * Runs the BigQuery simulator on its own: `tsx simulators/bigquery/main.ts`, then give a connector
 * the destination `{kind: 'bigquery', projectId: 'any', apiEndpoint: '<url>'}`.
 * BIGQUERY_SIM_PORT (default 9050), BIGQUERY_SIM_LOCATION (default US).
 */
import { z } from 'zod';
import { logger } from '../../activities/logger';
import { stopOnSignals } from '../listen';
import { startBigQuerySimulator } from './server';

const envSchema = z.object({
  BIGQUERY_SIM_PORT: z.coerce.number().int().min(0).max(65_535).default(9050),
  BIGQUERY_SIM_LOCATION: z.string().min(1).default('US'),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) logger.error(`${issue.path.join('.')}: ${issue.message}`);
    process.exitCode = 2;
    return;
  }
  const simulator = await startBigQuerySimulator({
    port: parsed.data.BIGQUERY_SIM_PORT,
    location: parsed.data.BIGQUERY_SIM_LOCATION,
  });
  logger.info({ url: simulator.url }, 'BigQuery simulator listening');
  stopOnSignals('BigQuery', simulator);
}

void main();
