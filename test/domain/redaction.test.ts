import { createConnectorSchema, type Connector } from '../../domain/connector';
import { redactConnector, REDACTED } from '../../domain/redaction';

const connector = (configuration: unknown): Connector => ({
  ...createConnectorSchema.parse({ userId: 'u', name: 'n', configuration }),
  id: '00000000-0000-4000-8000-000000000000',
  description: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const salesforce = {
  kind: 'salesforce',
  loginUrl: 'https://login.salesforce.com',
  auth: {
    type: 'oauth-password',
    clientId: 'client-id',
    clientSecret: 'client-secret-value',
    username: 'ops@example.com',
    password: 'password-value',
  },
};

test('no credential of a source or a destination survives redaction', () => {
  const shown = JSON.stringify(
    redactConnector(
      connector({ source: salesforce, destination: { kind: 'postgres', url: 'postgres://loader:db-password-value@db:5432/warehouse' } }),
    ),
  );
  for (const secret of ['client-secret-value', 'password-value', 'db-password-value']) expect(shown).not.toContain(secret);
  expect(shown).toContain(`postgres://loader:${REDACTED}@db:5432/warehouse`);
  expect(shown).toContain('client-id');
});

test('an access token is redacted', () => {
  const shown = JSON.stringify(
    redactConnector(connector({ source: { ...salesforce, auth: { type: 'access-token', accessToken: 'token-value' } } })),
  );
  expect(shown).not.toContain('token-value');
});
