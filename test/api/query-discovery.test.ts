/**
 * The CMS query and the Brandwatch queries through the API, against the sources' simulators: a CMS
 * preset or a query of one's own is checked against the CMS's schema (introspection) at create time
 * and at discovery, a field the schema lacks is a 400 naming it, discovery types the query's fields
 * by the schema, and Brandwatch's discovery lists the project's queries.
 */
import { z } from 'zod';
import { sourceCatalogSchema } from '../../domain/catalog';
import { startBrandwatchSimulator } from '../../simulators/brandwatch/server';
import { startCmsSimulator, type CmsSimulator } from '../../simulators/cms/server';
import { CONTENTFUL_ARTICLES, OWN_QUERY } from '../sources/cases/cms';
import { useSimulators } from '../support/fixture';
import { uniqueName } from '../support/temporal';
import { CONNECTORS, useApiHarness, type HttpResult } from './harness';

const api = useApiHarness();
const DISCOVER = '/api/v1/catalog/discover';

const issuesSchema = z.object({
  error: z.literal('validation_failed'),
  issues: z.array(z.object({ path: z.string(), message: z.string(), rule: z.string() })),
});

const cms = useSimulators(() => startCmsSimulator({ contents: 3, days: 2 }));
const cmsSource = (sim: CmsSimulator, query: Record<string, unknown> = {}) => ({
  kind: 'cms',
  endpoint: sim.endpoint,
  accessToken: sim.accessToken,
  ...query,
});
const createWith = (source: Record<string, unknown>, userId = uniqueName('user')) =>
  api.call('POST', CONNECTORS, { json: { userId, name: uniqueName('cms'), configuration: { source } } });

const discover = (source: Record<string, unknown>) => api.call('POST', DISCOVER, { json: { source } });

/** The issues of an answer that must be a 400. */
function refusedIssues(refused: HttpResult) {
  expect(refused.status).toBe(400);
  return issuesSchema.parse(refused.body).issues;
}

/** The one stream discovery answers for `source`. */
async function discoveredStream(source: Record<string, unknown>) {
  const answer = await discover(source);
  expect(answer.status).toBe(200);
  const [stream, ...others] = sourceCatalogSchema.parse(answer.body).streams;
  expect(others).toEqual([]);
  return stream;
}

const UNKNOWN_FIELD = { ...OWN_QUERY, query: OWN_QUERY.query.replace('title', 'headline') };

describe('the CMS query, checked against the CMS schema', () => {
  test.each([
    ['content-views', null],
    ['hygraph', null],
    ['contentful', 'contentful'],
    ['strapi', 'strapi'],
    ['strapi-v4', 'strapi-v4'],
  ] as const)('the %s preset is accepted', async (preset, flavour) => {
    const sim = await cms();
    const created = await createWith(cmsSource(sim, { query: preset, ...(flavour ? { endpoint: sim.endpoints[flavour] } : {}) }));
    expect(created.status).toBe(201);
    expect(sim.requests().length).toBeGreaterThanOrEqual(1);
  });

  test('a query naming a field the schema lacks is a 400 naming it; nothing is created', async () => {
    const sim = await cms();
    const userId = uniqueName('user');
    expect(refusedIssues(await createWith(cmsSource(sim, UNKNOWN_FIELD), userId))).toEqual([
      { path: 'configuration.source.query', rule: 'not_in_account', message: 'Cannot query field "headline" on type "ContentView".' },
    ]);
    expect((await api.call('GET', `${CONNECTORS}/user/${userId}`)).body).toEqual({ connectors: [] });
  });

  test('a query of its own without its paths is a 400 before the CMS is asked', async () => {
    const sim = await cms();
    const refused = await createWith(cmsSource(sim, { query: OWN_QUERY.query }));
    expect(refusedIssues(refused).map((issue) => issue.path)).toEqual([
      'configuration.source.recordsPath',
      'configuration.source.pageInfoPath',
      'configuration.source.cursorField',
    ]);
    expect(sim.requests()).toEqual([]);
  });

  test('discovery refuses the same query with the same 400, under the body’s source', async () => {
    const sim = await cms();
    expect(refusedIssues(await discover(cmsSource(sim, UNKNOWN_FIELD)))).toEqual([
      { path: 'source.query', rule: 'not_in_account', message: 'Cannot query field "headline" on type "ContentView".' },
    ]);
  });

  test('discovery of a query of its own: the selected fields, typed by the schema', async () => {
    const sim = await cms();
    const stream = await discoveredStream(cmsSource(sim, OWN_QUERY));
    expect(stream).toMatchObject({
      name: 'content_views',
      sourceName: 'page.edges.node',
      primaryKey: ['id'],
      cursorCandidates: ['updated_at'],
    });
    expect(
      stream?.fields.map(({ column, sourceField, type, sourceType, nullable }) => ({ column, sourceField, type, sourceType, nullable })),
    ).toEqual([
      { column: 'id', sourceField: 'id', type: 'string', sourceType: 'ID!', nullable: false },
      { column: 'title', sourceField: 'title', type: 'string', sourceType: 'String', nullable: true },
      { column: 'hits', sourceField: 'hits', type: 'integer', sourceType: 'Int!', nullable: false },
      { column: 'updated_at', sourceField: 'updatedAt', type: 'timestamp', sourceType: 'DateTime!', nullable: false },
    ]);
  });

  test('discovery of a query of its own over other records: its stream, flattened fields, key and cursor', async () => {
    const sim = await cms();
    const source = cmsSource(sim, { ...CONTENTFUL_ARTICLES, endpoint: sim.endpoints.contentful });
    const stream = await discoveredStream(source);
    expect(stream).toMatchObject({
      name: 'articles',
      sourceName: 'articles.items',
      primaryKey: ['sys_id'],
      cursorCandidates: ['sys_published_at'],
    });
    expect(stream?.fields.map(({ column, sourceField, type }) => [column, sourceField, type])).toEqual([
      ['sys_id', 'sys.id', 'string'],
      ['sys_published_at', 'sys.publishedAt', 'timestamp'],
      ['title', 'title', 'string'],
      ['url', 'url', 'string'],
      ['views', 'views', 'integer'],
    ]);
    const refused = await discover({ ...source, query: CONTENTFUL_ARTICLES.query.replace('views', 'hits') });
    expect(refusedIssues(refused)).toEqual([
      { path: 'source.query', rule: 'not_in_account', message: 'Cannot query field "hits" on type "ContentView".' },
    ]);
  });

  test('a query of its own is read end to end once created: the connector’s catalog is its fields', async () => {
    const sim = await cms();
    const created = await createWith(cmsSource(sim, OWN_QUERY));
    expect(created.status).toBe(201);
    const { id } = z.object({ id: z.string() }).parse(created.body);
    const catalog = await api.call('GET', `${CONNECTORS}/${id}/catalog`);
    expect(catalog.status).toBe(200);
    expect(sourceCatalogSchema.parse(catalog.body).streams[0]?.fields.map((field) => field.column)).toEqual([
      'id',
      'title',
      'hits',
      'updated_at',
    ]);
  });
});

describe('Brandwatch discovery', () => {
  const brandwatch = useSimulators(() => startBrandwatchSimulator({ mentions: 1 }));

  test("lists the project's queries as streams, by id, the connector's own selected", async () => {
    const sim = await brandwatch();
    const [chosen, other] = sim.queryIds;
    const source = { kind: 'brandwatch', apiUrl: sim.url, ...sim.credentials, projectId: sim.projectId, queryIds: [chosen] };
    const answer = await discover(source);
    expect(answer.status).toBe(200);
    const { streams } = sourceCatalogSchema.parse(answer.body);
    expect(streams.map(({ name, sourceName, defaultSelected }) => ({ name, sourceName, defaultSelected }))).toEqual([
      { name: String(chosen), sourceName: 'Brand mentions', defaultSelected: true },
      { name: String(other), sourceName: 'Competitor comparison', defaultSelected: false },
    ]);
    expect(streams[0]).toMatchObject({ primaryKey: ['resource_id'], cursorCandidates: ['added'] });
    expect(streams[0]?.fields.map((field) => field.column)).toEqual(expect.arrayContaining(['resource_id', 'sentiment', 'query_id']));
  });
});
