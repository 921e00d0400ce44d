/**
 * A connector's source choices asked of the account at create and update time, over HTTP against the
 * sources' simulators: a choice the account does not have is a 400 naming the field, an account
 * that refuses the credentials a 400 too, and an account that cannot be reached leaves the check to
 * the first cycle.
 */
import { z } from 'zod';
import { startBrandwatchSimulator } from '../../simulators/brandwatch/server';
import { startGa4Simulator } from '../../simulators/ga4/server';
import { brandwatchSourceFor } from '../sources/cases/brandwatch';
import { useSimulators } from '../support/fixture';
import { uniqueName } from '../support/temporal';
import { CONNECTORS, useApiHarness } from './harness';

const api = useApiHarness();

const issuesSchema = z.object({
  error: z.literal('validation_failed'),
  issues: z.array(z.object({ path: z.string(), message: z.string(), rule: z.string() })),
});

const createWith = (source: Record<string, unknown>) =>
  api.call('POST', CONNECTORS, { json: { userId: uniqueName('user'), name: uniqueName('connector'), configuration: { source } } });

const brandwatch = useSimulators(() => startBrandwatchSimulator({ mentions: 1 }));

describe('Brandwatch queries are chosen by id from the project', () => {
  test('the project’s own query ids are accepted', async () => {
    const sim = await brandwatch();
    const created = await createWith(brandwatchSourceFor(sim));
    expect(created.status).toBe(201);
    expect(sim.requests().map((r) => r.endpoint)).toContain('queries');
  });

  test('an id outside the project is a 400 naming it and listing the project’s queries; nothing is created', async () => {
    const sim = await brandwatch();
    const userId = uniqueName('user');
    const source = brandwatchSourceFor(sim, { queryIds: [sim.queryIds[0], 424242] });
    const refused = await api.call('POST', CONNECTORS, { json: { userId, name: 'mentions', configuration: { source } } });
    expect(refused.status).toBe(400);
    const { issues } = issuesSchema.parse(refused.body);
    expect(issues).toEqual([
      {
        path: 'configuration.source.queryIds.1',
        rule: 'not_in_account',
        message: expect.stringContaining(`has no query 424242; its queries: ${sim.queryIds[0]} (Brand mentions)`),
      },
    ]);
    expect((await api.call('GET', `${CONNECTORS}/user/${userId}`)).body).toEqual({ connectors: [] });
  });

  test('changing the queries to an unknown id is refused too, and the stored config stays', async () => {
    const sim = await brandwatch();
    const created = await createWith(brandwatchSourceFor(sim));
    const { id } = z.object({ id: z.string() }).parse(created.body);
    const changed = await api.call('PUT', `${CONNECTORS}/${id}`, {
      json: { configuration: { source: brandwatchSourceFor(sim, { queryIds: [7] }) } },
    });
    expect(changed.status).toBe(400);
    expect(issuesSchema.parse(changed.body).issues.map((i) => i.path)).toEqual(['configuration.source.queryIds.0']);
    expect((await api.call('GET', `${CONNECTORS}/${id}`)).body).toMatchObject({ configuration: { source: { queryIds: sim.queryIds } } });
  });

  test('credentials the account refuses are a 400 on the source block', async () => {
    const sim = await brandwatch();
    const refused = await createWith(brandwatchSourceFor(sim, { password: 'not-the-password' }));
    expect(refused.status).toBe(400);
    expect(issuesSchema.parse(refused.body).issues).toEqual([
      { path: 'configuration.source', rule: 'refused_by_account', message: expect.stringContaining('username and password') },
    ]);
  });

  test('an account that cannot be reached does not block the change: the first cycle reports it', async () => {
    const sim = await brandwatch();
    const created = await createWith(brandwatchSourceFor(sim, { apiUrl: 'http://127.0.0.1:1' }));
    expect(created.status).toBe(201);
  });
});

describe('GA4 reports are checked against the property’s metadata', () => {
  const ga4 = useSimulators(startGa4Simulator);

  test('a metric the property does not have is a 400 naming the report’s field; a campaign report is accepted', async () => {
    const sim = await ga4();
    const source = (metrics: string[]) => ({
      kind: 'ga4',
      propertyId: sim.propertyId,
      accessToken: sim.accessToken,
      apiEndpoint: sim.url,
      reports: [{ name: 'campaigns', dimensions: ['sessionCampaignName'], metrics }],
    });
    const refused = await createWith(source(['sessions', 'revenuePerUnicorn']));
    expect(refused.status).toBe(400);
    expect(issuesSchema.parse(refused.body).issues).toEqual([
      {
        path: 'configuration.source.reports.0.metrics.1',
        rule: 'not_in_account',
        message: expect.stringContaining(`GA4 property ${sim.propertyId} has no metric revenuePerUnicorn`),
      },
    ]);
    expect((await createWith(source(['sessions', 'totalUsers']))).status).toBe(201);
  });
});
