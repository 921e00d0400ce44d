/** A Salesforce contacts connector in the store, for activity tests that run a batch's steps themselves. */
import { createConnectorSchema, type DestinationConfig } from '../../domain/connector';
import type { Store } from '../../activities/store/store';

/** Creates the connector; resolves to its id. Its source is never called: the tests stage the pages. */
export async function createContactsConnector(store: Store, destination: DestinationConfig): Promise<string> {
  const connector = await store.connectors.create(
    createConnectorSchema.parse({
      userId: 'marketing-ops',
      name: 'Salesforce contacts',
      configuration: {
        source: {
          kind: 'salesforce',
          loginUrl: 'http://127.0.0.1:8080',
          auth: { type: 'access-token', accessToken: 'token-for-tests' },
          streams: ['contact'],
        },
        destination,
      },
    }),
  );
  return connector.id;
}
