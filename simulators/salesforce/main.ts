/**
 * Runs the Salesforce simulator for the demo: `tsx simulators/salesforce/main.ts`.
 * SALESFORCE_SIM_PORT (default 8787), SALESFORCE_SIM_CONTACTS (default 20000), SALESFORCE_SIM_SEED.
 */
import { z } from 'zod';
import { logger } from '../../activities/logger';
import { stopOnSignals } from '../listen';
import { startSalesforceSimulator } from './server';

const envSchema = z.object({
  SALESFORCE_SIM_PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  SALESFORCE_SIM_CONTACTS: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
  SALESFORCE_SIM_SEED: z.coerce.number().int().default(42),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) logger.error(`${issue.path.join('.')}: ${issue.message}`);
    process.exitCode = 2;
    return;
  }
  const env = parsed.data;
  const simulator = await startSalesforceSimulator({
    port: env.SALESFORCE_SIM_PORT,
    contacts: env.SALESFORCE_SIM_CONTACTS,
    seed: env.SALESFORCE_SIM_SEED,
  });
  const admin = `${simulator.url}/__sim/state`;
  logger.info({ url: simulator.url, records: simulator.counts(), admin }, 'Salesforce simulator listening');
  stopOnSignals('Salesforce', simulator);
}

void main();
