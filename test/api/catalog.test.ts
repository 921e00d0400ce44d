/**
 * Discovery over HTTP: a draft Salesforce config and a connector's own, against the simulator's org
 * profiles through the real jsforce; a bad config is a 400 naming the field, a refusing account a 502.
 */
import { z } from 'zod';
import { sourceCatalogSchema } from '../../domain/catalog';
import { startSalesforceSimulator, type SalesforceSimulator } from '../../simulators/salesforce/server';
import { useSimulators } from '../support/fixture';
import { uniqueName } from '../support/temporal';
import { CONNECTORS, createConnector, useApiHarness } from './harness';

const api = useApiHarness();

const simulator = useSimulators((options: Parameters<typeof startSalesforceSimulator>[0] = {}) =>
  startSalesforceSimulator({ contacts: 20, ...options }),
);
const DISCOVER = '/api/v1/catalog/discover';

const sourceOf = (sim: SalesforceSimulator, password = sim.credentials.password) => ({
  kind: 'salesforce',
  loginUrl: sim.url,
  auth: { type: 'oauth-password', ...sim.credentials, password },
});
const contactColumns = (body: unknown): string[] =>
  sourceCatalogSchema
    .parse(body)
    .streams.find((stream) => stream.name === 'contact')
    ?.fields.map((field) => field.column) ?? [];

describe('POST /api/v1/catalog/discover', () => {
  test("a stock org's streams: standard fields only, Id as the customer id", async () => {
    const sim = await simulator({ profile: 'stock' });
    const answer = await api.call('POST', DISCOVER, { json: { source: sourceOf(sim) } });

    expect(answer.status).toBe(200);
    expect(contactColumns(answer.body)).toEqual(expect.arrayContaining(['id', 'customer_id', 'email', 'last_name']));
    expect(contactColumns(answer.body)).not.toContain('is_active');
    expect(sim.requests('describe').map((r) => r.path)).toContain('/services/data/v59.0/sobjects/Contact/describe');
  });

  test('an org with custom fields: they are offered', async () => {
    const sim = await simulator({ profile: 'custom' });
    const answer = await api.call('POST', DISCOVER, { json: { source: sourceOf(sim) } });

    expect(answer.status).toBe(200);
    expect(contactColumns(answer.body)).toEqual(expect.arrayContaining(['customer_id', 'loyalty_tier__c', 'lifetime_value__c']));
  });

  test('a bad config is a 400 naming the field and the rule', async () => {
    const answer = await api.call('POST', DISCOVER, {
      json: { source: { kind: 'salesforce', loginUrl: 'ftp://x', auth: { type: 'access-token' } } },
    });

    expect(answer.status).toBe(400);
    const { issues } = z.object({ issues: z.array(z.object({ path: z.string(), message: z.string() })) }).parse(answer.body);
    expect(issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['source.loginUrl', 'source.auth.accessToken']));
  });

  test('an account refusing the login is a 502 saying what to check', async () => {
    const sim = await simulator({ profile: 'stock' });
    const answer = await api.call('POST', DISCOVER, { json: { source: sourceOf(sim, 'wrong-password') } });

    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({
      error: 'source_refused_auth',
      message: expect.stringContaining('check the username, the password'),
    });
  });

  test('a throttling account is a 503', async () => {
    const sim = await simulator({ profile: 'stock' });
    sim.throttle({ status: 429, times: 1, retryAfterSeconds: 30 });
    const answer = await api.call('POST', DISCOVER, { json: { source: sourceOf(sim) } });

    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'source_unavailable' });
  });

  test('a GA4 property asked without credentials, on a machine without application default ones, is a 502 saying what to give', async () => {
    const unhandled: unknown[] = [];
    const collect = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', collect);
    try {
      const answer = await api.call('POST', DISCOVER, { json: { source: { kind: 'ga4', propertyId: '123456789' } } });

      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({
        error: 'source_refused_auth',
        message: expect.stringContaining("give the connector a service account's credentials or an accessToken"),
      });
      // The SDK, left to look for them itself, failed the call and left a rejection nobody handled: that ended the API.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', collect);
    }
  });

  test('a campaign lead may not discover (connector editors only)', async () => {
    const sim = await simulator({ profile: 'stock' });
    const answer = await api.call('POST', DISCOVER, { json: { source: sourceOf(sim) } }, await api.keyFor('campaign-lead'));
    expect(answer.status).toBe(403);
    expect(sim.requests('describe')).toEqual([]);
  });
});

describe('GET /api/v1/data-warehouse-connector/:id/catalog', () => {
  test("a connector's account, through its stored credentials", async () => {
    const sim = await simulator({ profile: 'demo' });
    const id = await createConnector(api, {
      userId: uniqueName('user'),
      name: uniqueName('crm'),
      configuration: { source: sourceOf(sim) },
    });
    const answer = await api.call('GET', `${CONNECTORS}/${id}/catalog`);

    expect(answer.status).toBe(200);
    expect(contactColumns(answer.body)).toEqual(expect.arrayContaining(['customer_id', 'is_active']));
  });

  test('an unknown connector is a 404', async () => {
    const answer = await api.call('GET', `${CONNECTORS}/00000000-0000-4000-8000-000000000000/catalog`);
    expect(answer.status).toBe(404);
  });
});
