/** The source config of a connector that reads this simulator: its URL and credentials, and the schema's defaults unless changed. */
import type { z } from 'zod';
import type { salesforceSourceSchema } from '../../activities/sources/salesforce/definition';
import { SIMULATOR_CREDENTIALS } from './server';

export type SalesforceSourceInput = z.input<typeof salesforceSourceSchema>;

/** Contacts only, 90 % of the daily quota, batches of 10,000 rows (the schema's defaults) unless `changes` say otherwise. */
export function simulatedSalesforceSource(loginUrl: string, changes: Partial<SalesforceSourceInput> = {}): SalesforceSourceInput {
  return { kind: 'salesforce', loginUrl, auth: { type: 'oauth-password', ...SIMULATOR_CREDENTIALS }, streams: ['contact'], ...changes };
}

/** The same connector after the org's password changed: the simulator refuses `password`, so each of its streams fails. */
export function refusedSalesforceSource(
  loginUrl: string,
  password: string,
  changes: Partial<SalesforceSourceInput> = {},
): SalesforceSourceInput {
  return simulatedSalesforceSource(loginUrl, { auth: { type: 'oauth-password', ...SIMULATOR_CREDENTIALS, password }, ...changes });
}
