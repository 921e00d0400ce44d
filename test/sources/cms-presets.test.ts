/**
 * The CMS presets beyond Insight Hub's own (Hygraph, Contentful, Strapi) and queries of one's own
 * over other records: each preset reads the same content views into the same rows, offset paging
 * loses no record that moves while it is read, and a query of one's own lands in a stream named for
 * its records with columns flattened from its selection and typed by the CMS's schema.
 */
import { cmsSource } from '../../activities/sources/cms';
import { cmsSourceSchema, type CmsSourceConfig } from '../../activities/sources/cms/definition';
import { connectorStream } from '../../domain/sources';
import { startCmsSimulator, type CmsSimulatorOptions } from '../../simulators/cms/server';
import { useSimulators } from '../support/fixture';
import { cmsCaseWith, cmsConfigFor, CONTENTFUL_ARTICLES, OWN_QUERY } from './cases/cms';
import { describeSourceConformance, readToEnd } from './conformance';

describeSourceConformance(cmsCaseWith({ query: 'contentful' }, 'content_views, Contentful preset', 'contentful'));
describeSourceConformance(cmsCaseWith({ query: 'strapi' }, 'content_views, Strapi preset', 'strapi'));
describeSourceConformance(cmsCaseWith({ query: 'strapi-v4' }, 'content_views, Strapi 4 preset', 'strapi-v4'));

const simulator = useSimulators((options: CmsSimulatorOptions = {}) =>
  startCmsSimulator({ contents: 10, days: 3, requestsPerSecond: null, ...options }),
);
const STEADY = { updateDuringRead: 0 };
const byId = (rows: readonly Record<string, unknown>[]) => [...rows].sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));

describe('presets for common headless CMSs', () => {
  it.each([
    ['hygraph', 'own'],
    ['contentful', 'contentful'],
    ['strapi', 'strapi'],
    ['strapi-v4', 'strapi-v4'],
  ] as const)('the %s preset reads the same content views as the default one', async (preset, api) => {
    const sim = await simulator({ flawRates: STEADY });
    const byDefault = await readToEnd(cmsSource, cmsConfigFor(sim, { pageSize: 7 }), 'content_views', null);
    const endpoint = api === 'own' ? sim.endpoint : sim.endpoints[api];
    const read = await readToEnd(cmsSource, cmsConfigFor(sim, { endpoint, pageSize: 7, query: preset }), 'content_views', null);
    expect(read.pages.length).toBeGreaterThan(1);
    expect(byId(read.rows)).toEqual(byId(byDefault.rows));
  });

  it.each(['contentful', 'strapi', 'strapi-v4'] as const)(
    'the %s preset pages by offset and loses no record that moves to the end while it is read',
    async (preset) => {
      // Every page but the last moves a record already read to the end: with plain offsets, the record
      // at each page's boundary would slide into the page already read and be missed.
      const sim = await simulator({ flawRates: { updateDuringRead: 1 } });
      const config = cmsConfigFor(sim, { endpoint: sim.endpoints[preset], pageSize: 5, query: preset });
      const { rows, pages } = await readToEnd(cmsSource, config, 'content_views', null);
      expect(pages.length).toBeGreaterThan(3);
      expect(new Set(rows.map((row) => String(row.id)))).toEqual(new Set(sim.rows().map((row) => row.id)));
      // The last version of each record is read: the load keeps the latest row per key.
      const latest = new Map(rows.map((row) => [String(row.id), row.views]));
      expect(sim.rows().every((row) => latest.get(row.id) === row.views)).toBe(true);
    },
  );

  it('reads only what changed since the cursor, by offset too', async () => {
    const sim = await simulator({ flawRates: STEADY });
    const config = cmsConfigFor(sim, { endpoint: sim.endpoints.contentful, pageSize: 4, query: 'contentful' });
    const first = await readToEnd(cmsSource, config, 'content_views', null);
    const added = sim.addRows(3);
    const next = await readToEnd(cmsSource, config, 'content_views', first.position);
    expect(next.rows.map((row) => row.id).sort()).toEqual(added.map((row) => row.id).sort());
  });
});

describe('a query of its own over other records', () => {
  const discover = (config: CmsSourceConfig) => cmsSource.discover?.(config, { signal: new AbortController().signal });

  it('lands in a stream named for its records, keyed and read by the paths it names, typed by the schema', async () => {
    const sim = await simulator({ flawRates: STEADY });
    const config = cmsConfigFor(sim, { endpoint: sim.endpoints.contentful, pageSize: 4, ...CONTENTFUL_ARTICLES });
    expect(config.streams).toEqual(['articles']);
    const stream = connectorStream(config, 'articles');
    expect(stream).toMatchObject({ table: 'cms_articles', primaryKey: 'sys_id', cursorColumn: 'sys_published_at' });
    const catalog = await discover(config);
    expect(catalog?.streams.map(({ name, primaryKey, cursorCandidates }) => ({ name, primaryKey, cursorCandidates }))).toEqual([
      { name: 'articles', primaryKey: ['sys_id'], cursorCandidates: ['sys_published_at'] },
    ]);
    expect(
      catalog?.streams[0]?.fields.map(({ column, sourceField, type, sourceType }) => ({ column, sourceField, type, sourceType })),
    ).toEqual([
      { column: 'sys_id', sourceField: 'sys.id', type: 'string', sourceType: 'String!' },
      { column: 'sys_published_at', sourceField: 'sys.publishedAt', type: 'timestamp', sourceType: 'DateTime' },
      { column: 'title', sourceField: 'title', type: 'string', sourceType: 'String' },
      { column: 'url', sourceField: 'url', type: 'string', sourceType: 'String' },
      { column: 'views', sourceField: 'views', type: 'integer', sourceType: 'Int' },
    ]);
    const { rows } = await readToEnd(cmsSource, config, 'articles', null, null, catalog?.streams[0]);
    const expected = sim
      .rows()
      .map((row) => ({ sys_id: row.id, sys_published_at: row.updatedAt, title: row.title, url: row.url, views: row.views }));
    expect([...rows].sort((a, b) => (String(a.sys_id) < String(b.sys_id) ? -1 : 1))).toEqual(expected);
  });

  it('keeps the stream a connector made before streamName named in streams; else names it for the records', () => {
    const { streamName: _named, ...unnamed } = OWN_QUERY;
    const made = cmsSourceSchema.parse({
      kind: 'cms',
      endpoint: 'https://cms.example/graphql',
      accessToken: 't',
      ...unnamed,
      streams: ['content_views'],
    });
    expect(connectorStream(made, 'content_views').table).toBe('cms_content_views');
    const fresh = cmsSourceSchema.parse({ kind: 'cms', endpoint: 'https://cms.example/graphql', accessToken: 't', ...unnamed });
    expect(fresh.streams).toEqual(['page']);
    expect(connectorStream(fresh, 'page').table).toBe('cms_page');
  });

  it('is described stream by stream for the cycle, each introspection counted, a cached one free', async () => {
    const sim = await simulator({ flawRates: STEADY });
    const config = cmsConfigFor(sim, { endpoint: sim.endpoints.contentful, streamName: 'articles_described', ...CONTENTFUL_ARTICLES });
    const ctx = { signal: new AbortController().signal };
    const first = await cmsSource.discoverStream?.(config, 'articles_described', ctx);
    expect(first).toMatchObject({ kind: 'found', apiCalls: 1, stream: { name: 'articles_described', primaryKey: ['sys_id'] } });
    expect(await cmsSource.discoverStream?.(config, 'articles_described', ctx)).toMatchObject({ kind: 'found', apiCalls: 0 });
    expect(sim.requests()).toHaveLength(1);
  });

  it('flattens a nested object into columns and lands a list as JSON, by the schema', async () => {
    const sim = await simulator({ flawRates: STEADY });
    const config = cmsConfigFor(sim, {
      query: `query Pieces($first: Int!, $after: String) {
  pieces: contentViewsConnection(first: $first, after: $after, orderBy: updatedAt_ASC) {
    edges { node { id updatedAt views content { title type } tags } }
    pageInfo { hasNextPage endCursor }
  }
}`,
      recordsPath: 'pieces.edges.node',
      pageInfoPath: 'pieces.pageInfo',
      cursorField: 'updatedAt',
    });
    const catalog = await discover(config);
    const [entry] = catalog?.streams ?? [];
    expect(entry?.name).toBe('pieces');
    expect(entry?.fields.map(({ column, type }) => [column, type])).toEqual([
      ['id', 'string'],
      ['updated_at', 'timestamp'],
      ['views', 'integer'],
      ['content_title', 'string'],
      ['content_type', 'string'],
      ['tags', 'json'],
    ]);
    const { rows } = await readToEnd(cmsSource, config, 'pieces', null, null, entry);
    const [record] = sim.rows();
    expect(rows.find((row) => row.id === record?.id)).toMatchObject({
      content_title: record?.title,
      content_type: record?.contentType,
      tags: [record?.contentType, expect.any(String)],
    });
  });

  it("checks each preset against its CMS's schema: none lacks a field", async () => {
    const sim = await simulator();
    for (const [query, endpoint] of [
      ['contentful', sim.endpoints.contentful],
      ['strapi', sim.endpoints.strapi],
      ['strapi-v4', sim.endpoints['strapi-v4']],
    ] as const) {
      expect(await cmsSource.refusedChoices?.(cmsConfigFor(sim, { query, endpoint }), { signal: new AbortController().signal })).toEqual(
        [],
      );
    }
    const onTheWrongCms = cmsConfigFor(sim, { query: 'strapi', endpoint: sim.endpoints.contentful });
    expect(await cmsSource.refusedChoices?.(onTheWrongCms, { signal: new AbortController().signal })).toEqual([
      { path: ['query'], message: 'Cannot query field "contentViews_connection" on type "Query". Did you mean "contentViewCollection"?' },
    ]);
  });
});
