/** SendGrid connectors for the hostile-input tests: one with a signing key, one taking unsigned requests. */
import { createConnectorSchema } from '../../../domain/connector';
import { uniqueName } from '../../support/temporal';
import type { ApiHarness } from '../harness';

export async function sendgridConnector(api: ApiHarness, source: Record<string, unknown>): Promise<string> {
  const configuration = { source: { kind: 'sendgrid', ...source } };
  const connector = await api.store.connectors.create(
    createConnectorSchema.parse({ userId: 'marketing-ops', name: uniqueName('sendgrid'), configuration }),
  );
  return connector.id;
}
