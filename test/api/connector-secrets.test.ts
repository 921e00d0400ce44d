/**
 * Secrets survive a read–modify–write: a client GETs a connector (credentials "[redacted]"), changes
 * one setting and PUTs it back; the stored credentials stay the real ones. Every response matches
 * the schema the OpenAPI document publishes for it, for each source and destination with secrets.
 */
import { z } from 'zod';
import { connectorSettingsSchema } from '../../domain/connector';
import { REDACTED } from '../../domain/redaction';
import { uniqueName } from '../support/temporal';
import { CONNECTORS, createConnector, useApiHarness } from './harness';
import { cmsWith, secret, secretCases } from './secret-cases';

const api = useApiHarness();

const expectNone = (value: unknown, secrets: string[]): void => {
  const text = JSON.stringify(value);
  for (const credential of secrets) expect(text).not.toContain(credential);
};

const issuesSchema = z.object({
  error: z.literal('validation_failed'),
  issues: z.array(z.object({ path: z.string(), message: z.string(), rule: z.string() })),
});

const openApiSchema = z.object({
  paths: z.record(z.string(), z.record(z.string(), z.object({ responses: z.record(z.string(), z.unknown()) }).loose())),
});
const jsonResponseSchema = z.object({ content: z.object({ 'application/json': z.object({ schema: z.record(z.string(), z.unknown()) }) }) });

/** The response schema the API publishes for `method path` and `status`, as a validator. */
async function documentedResponse(method: string, path: string, status: number): Promise<z.ZodType> {
  const document = openApiSchema.parse((await api.call('GET', '/api/v1/openapi.json')).body);
  const response = document.paths[path]?.[method]?.responses[String(status)];
  const { schema } = jsonResponseSchema.parse(response).content['application/json'];
  return z.fromJSONSchema(schema, { defaultTarget: 'openapi-3.0' });
}

const connectorOf = z.object({ id: z.uuid(), configuration: z.looseObject({ guardrails: z.looseObject({}) }) }).loose();

describe('a connector read, changed in one setting and written back', () => {
  test.each(secretCases())(
    '$name: the stored secrets stay the real ones, and every response matches the documented schema',
    async ({ configuration, secrets }) => {
      const getSchema = await documentedResponse('get', `${CONNECTORS}/{id}`, 200);
      const putSchema = await documentedResponse('put', `${CONNECTORS}/{id}`, 200);
      const listSchema = await documentedResponse('get', `${CONNECTORS}/user/{userId}`, 200);
      const userId = uniqueName('user');
      const id = await createConnector(api, { userId, name: uniqueName('connector'), configuration });

      const read = await api.call('GET', `${CONNECTORS}/${id}`);
      expect(read.status).toBe(200);
      expectNone(read.body, secrets);
      expect(JSON.stringify(read.body)).toContain(REDACTED);
      expect(getSchema.safeParse(read.body).error).toBeUndefined();
      expect(listSchema.safeParse((await api.call('GET', `${CONNECTORS}/user/${userId}`)).body).error).toBeUndefined();

      // What a client does: take what GET showed, change one setting, send it all back.
      const shown = connectorOf.parse(read.body);
      const changed = {
        ...shown,
        configuration: { ...shown.configuration, guardrails: { ...shown.configuration.guardrails, maxInvalidShare: 0.05 } },
      };
      const written = await api.call('PUT', `${CONNECTORS}/${id}`, { json: changed });
      expect(written.status).toBe(200);
      expectNone(written.body, secrets);
      expect(putSchema.safeParse(written.body).error).toBeUndefined();

      // What the next cycle reads: the real credentials, and the change.
      const stored = await api.store.connectors.get(id);
      expect(stored?.configuration).toEqual(
        connectorSettingsSchema.parse({ ...configuration, guardrails: { maxInvalidShare: 0.05, schemaChangePolicy: 'approve' } }),
      );
      expect(JSON.stringify(stored?.configuration)).not.toContain(REDACTED);
      expectNone(await api.store.audit.list(id), secrets);
    },
  );
});

describe('the redaction marker where there is no stored secret to keep', () => {
  const salesforce = (auth: Record<string, unknown>) => ({ kind: 'salesforce', loginUrl: 'http://127.0.0.1:1/login', auth });
  const oauth = (clientSecret: string, password: string) =>
    salesforce({ type: 'oauth-password', clientId: 'client-id', clientSecret, username: 'api-user', password });

  test('on create, is a 400 naming each field and its rule, storing nothing', async () => {
    const userId = uniqueName('user');
    const created = await api.call('POST', CONNECTORS, {
      json: {
        userId,
        name: uniqueName('connector'),
        configuration: {
          source: oauth(REDACTED, secret('password')),
          destination: { kind: 'postgres', url: `postgres://loader:${REDACTED}@db.internal:5432/warehouse` },
        },
      },
    });

    expect(created.status).toBe(400);
    const { issues } = issuesSchema.parse(created.body);
    expect(issues).toEqual([
      { path: 'configuration.source.auth.clientSecret', rule: 'custom', message: expect.stringContaining('send the secret itself') },
      { path: 'configuration.destination.url', rule: 'custom', message: expect.stringContaining(REDACTED) },
    ]);
    expect(await api.store.connectors.listByUser(userId)).toEqual([]);
  });

  test('on create, a marker in a field with a format of its own (a BigQuery private_key) is named as a marker', async () => {
    const created = await api.call('POST', CONNECTORS, {
      json: {
        userId: uniqueName('user'),
        name: uniqueName('connector'),
        configuration: {
          source: cmsWith(secret('cms-token')),
          destination: {
            kind: 'bigquery',
            projectId: 'p',
            credentials: { client_email: 'loader@acme.iam.gserviceaccount.com', private_key: REDACTED },
          },
        },
      },
    });

    expect(created.status).toBe(400);
    expect(issuesSchema.parse(created.body).issues).toContainEqual({
      path: 'configuration.destination.credentials.private_key',
      rule: 'custom',
      message: expect.stringContaining('send the secret itself'),
    });
  });

  test.each([
    { change: 'the source kind changed', source: cmsWith(REDACTED), path: 'configuration.source.accessToken' },
    {
      change: 'the auth type changed',
      source: salesforce({ type: 'access-token', accessToken: REDACTED }),
      path: 'configuration.source.auth.accessToken',
    },
    {
      change: 'the login URL changed (a stored secret must not follow it to another server)',
      source: { ...oauth(REDACTED, secret('password')), loginUrl: 'https://login.attacker.example' },
      path: 'configuration.source.auth.clientSecret',
    },
  ])('on update where $change, is a 400 naming the field, changing nothing', async ({ source, path }) => {
    const original = { source: oauth(secret('client-secret'), secret('password')) };
    const id = await createConnector(api, { userId: uniqueName('user'), name: uniqueName('connector'), configuration: original });

    const rejected = await api.call('PUT', `${CONNECTORS}/${id}`, { json: { configuration: { source } } });
    expect(rejected.status).toBe(400);
    expect(issuesSchema.parse(rejected.body).issues).toEqual([{ path, rule: 'custom', message: expect.stringContaining('none to keep') }]);
    expect((await api.store.connectors.get(id))?.configuration).toEqual(connectorSettingsSchema.parse(original));
  });
});

test('a new secret sent on update replaces the stored one; the marker beside it keeps its own', async () => {
  const [oldSecret, password, newSecret] = [secret('client-secret'), secret('password'), secret('new-client-secret')];
  const source = {
    kind: 'salesforce',
    loginUrl: 'http://127.0.0.1:1/login',
    auth: { type: 'oauth-password', clientId: 'client-id', username: 'api-user' },
  };
  const id = await createConnector(api, {
    userId: uniqueName('user'),
    name: uniqueName('connector'),
    configuration: { source: { ...source, auth: { ...source.auth, clientSecret: oldSecret, password } } },
  });

  const written = await api.call('PUT', `${CONNECTORS}/${id}`, {
    json: { configuration: { source: { ...source, auth: { ...source.auth, clientSecret: newSecret, password: REDACTED } } } },
  });
  expect(written.status).toBe(200);
  expectNone(written.body, [oldSecret, password, newSecret]);

  expect((await api.store.connectors.get(id))?.configuration.source).toMatchObject({ auth: { clientSecret: newSecret, password } });
  expectNone(await api.store.audit.list(id), [oldSecret, password, newSecret]);
});
