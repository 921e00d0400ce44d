/**
 * Runs the Salesforce simulator for the demo: `tsx simulators/salesforce/main.ts`.
 * SALESFORCE_SIM_PORT (default 8787), SALESFORCE_SIM_CONTACTS (default 20000), SALESFORCE_SIM_SEED,
 * SALESFORCE_SIM_PROFILE (demo, stock or custom: which custom fields the org has; default demo).
 */
import { z } from 'zod';
import { logger } from '../../activities/logger';
import { settingsFromEnv, stopOnSignals } from '../listen';
import { ORG_PROFILES } from './profiles';
import { startSalesforceSimulator } from './server';

const envSchema = z.object({
  SALESFORCE_SIM_PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  SALESFORCE_SIM_CONTACTS: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
  SALESFORCE_SIM_SEED: z.coerce.number().int().default(42),
  SALESFORCE_SIM_PROFILE: z.enum(ORG_PROFILES).default('demo'),
});

async function main(): Promise<void> {
  const env = settingsFromEnv(envSchema);
  if (!env) return;
  const simulator = await startSalesforceSimulator({
    port: env.SALESFORCE_SIM_PORT,
    contacts: env.SALESFORCE_SIM_CONTACTS,
    seed: env.SALESFORCE_SIM_SEED,
    profile: env.SALESFORCE_SIM_PROFILE,
  });
  const admin = `${simulator.url}/__sim/state`;
  logger.info({ url: simulator.url, records: simulator.counts(), admin }, 'Salesforce simulator listening');
  stopOnSignals('Salesforce', simulator);
}

void main();
