/**
 * The CMS content-views source against the local GraphQL CMS over real HTTP: the shared source
 * checklist, requests timed against the 500 ms target, the 5-minute result cache, the payload guard,
 * and GraphQL's `errors` array mapped onto the error taxonomy.
 */
import { ConnectorError } from '../../activities/errors';
import { evaluate } from '../../activities/quality/engine';
import { defaultSuiteFor } from '../../activities/quality/suites';
import { cmsSource, type CmsSourceConfig } from '../../activities/sources/cms';
import { cmsRequestTimings } from '../../activities/sources/cms/request-timings';
import { ResponseCache } from '../../activities/sources/cms/response-cache';
import type { PageRequest } from '../../activities/sources/types';
import { cmsSourceSchema } from '../../activities/sources/cms/definition';
import { startCmsSimulator, type CmsSimulatorOptions } from '../../simulators/cms/server';
import { cmsCase, cmsCaseWith, cmsConfigFor as configFor, CONTENTFUL_ARTICLES, OWN_QUERY } from './cases/cms';
import { describeSourceConformance, readToEnd } from './conformance';
import { useSimulators } from '../support/fixture';
import { connectorStream } from '../../domain/sources';

/** No rows change while a test reads, so every count is exact. */
const STEADY = { updateDuringRead: 0 };

describeSourceConformance(cmsCase);
describeSourceConformance(cmsCaseWith({ query: 'hygraph' }, 'content_views, Hygraph preset'));
describeSourceConformance(cmsCaseWith(OWN_QUERY, 'content_views, a query of its own'));

const simulator = useSimulators((options: CmsSimulatorOptions = {}) => startCmsSimulator({ contents: 10, days: 3, ...options }));

const FIRST_PAGE: PageRequest = { cursor: null, pageToken: null, partition: null, connectorId: 'connector-under-test' };
const readPage = (config: CmsSourceConfig, request: PageRequest = FIRST_PAGE) =>
  cmsSource.readPage(config, 'content_views', request, new AbortController().signal);

describe('content views as rows', () => {
  it('reads every row once, in (updated_at, id) order, with the values the CMS holds', async () => {
    const sim = await simulator({ flawRates: STEADY });
    const { rows } = await readToEnd(cmsSource, configFor(sim, { pageSize: 7 }), 'content_views', null);
    const truth = sim.rows();
    expect(rows).toHaveLength(truth.length);
    for (const record of truth) {
      expect(rows.find((row) => row.id === record.id)).toEqual({
        id: record.id,
        content_id: record.contentId,
        title: record.title,
        url: record.url,
        content_type: record.contentType,
        day: record.day,
        views: record.views,
        unique_visitors: record.uniqueVisitors,
        avg_time_on_page_seconds: record.avgTimeOnPageSeconds,
        updated_at: record.updatedAt,
      });
    }
    const keys = rows.map((row) => `${String(row.updated_at)}|${String(row.id)}`);
    expect(keys).toEqual([...keys].sort());
  });

  it("quarantines the CMS's flawed rows under the default suite and passes the rest", async () => {
    const sim = await simulator({
      contents: 40,
      days: 5,
      flawRates: { ...STEADY, missingTitle: 0, relativeUrl: 0.1, unknownTimeOnPage: 0.1, negativeViews: 0.1 },
    });
    const { rows } = await readToEnd(cmsSource, configFor(sim, { pageSize: 1000 }), 'content_views', null);
    const { verdicts } = evaluate(defaultSuiteFor('cms', 'content_views'), rows, { runTime: new Date() });
    const expectedFailures = (row: (typeof rows)[number]): string[] =>
      [
        Number(row.views) < 0 ? 'between(views)' : null,
        Number(row.avg_time_on_page_seconds) < 0 ? 'between(avg_time_on_page_seconds)' : null,
        !String(row.url).startsWith('http') ? 'match_regex(url)' : null,
      ].filter((rule): rule is string => rule !== null);
    const flawed = rows.filter((row) => expectedFailures(row).length > 0);
    expect(flawed.length).toBeGreaterThan(0);
    rows.forEach((row, i) => {
      const verdict = verdicts[i];
      const expected = expectedFailures(row);
      if (expected.length === 0) expect(verdict?.kind).toBe('valid');
      else expect(verdict?.kind === 'invalid' ? [...verdict.failures].sort() : []).toEqual(expected.sort());
    });
  });
});

describe('the query a connector reads', () => {
  it('reads a query of its own: its fields under their aliases, typed as configured', async () => {
    const sim = await simulator({ flawRates: STEADY });
    const config = configFor(sim, { pageSize: 4, ...OWN_QUERY });
    expect(connectorStream(config, 'content_views').columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'string'],
      ['title', 'string'],
      ['hits', 'integer'],
      ['updated_at', 'timestamp'],
    ]);
    const { rows, pages } = await readToEnd(cmsSource, config, 'content_views', null);
    expect(pages.length).toBeGreaterThan(1);
    const byId = [...rows].sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
    // The simulator's rows come in id order.
    expect(byId).toEqual(
      sim.rows().map((record) => ({ id: record.id, title: record.title, hits: record.views, updated_at: record.updatedAt })),
    );
    expect(sim.requests().length).toBe(pages.length);
  });

  it('reads the Hygraph preset into the same rows as the default one', async () => {
    const sim = await simulator({ flawRates: STEADY });
    const byDefault = await readToEnd(cmsSource, configFor(sim, { pageSize: 7 }), 'content_views', null);
    const hygraph = await readToEnd(cmsSource, configFor(sim, { pageSize: 7, query: 'hygraph' }), 'content_views', null);
    expect(hygraph.rows).toEqual(byDefault.rows);
  });

  it.each([
    [{ query: 'query { contentViews { totalCount } }' }, 'recordsPath', /required with a query of your own/],
    [{ ...OWN_QUERY, recordsPath: 'page.edges' }, 'cursorField', /"updatedAt" is not a scalar field selected at page.edges/],
    [{ ...OWN_QUERY, query: OWN_QUERY.query.replace('$first: Int!, ', '') }, 'query', /must take \$first/],
    [
      { ...OWN_QUERY, query: '{ nope ' },
      'query',
      /neither a preset \(content-views, hygraph, contentful, strapi, strapi-v4\) nor a GraphQL query/,
    ],
    [{ ...OWN_QUERY, fieldTypes: { views: 'integer' } }, 'fieldTypes.views', /not a field selected/],
    [{ query: 'hygraph', cursorField: 'updatedAt' }, 'cursorField', /the hygraph preset sets its own/],
    [{ ...CONTENTFUL_ARTICLES, pageInfoPath: 'articles.pageInfo' }, 'pageInfoPath', /not read by a query paged by offset/],
    [{ ...CONTENTFUL_ARTICLES, totalPath: 'articles.items' }, 'totalPath', /must name a number, not an object/],
    [{ ...CONTENTFUL_ARTICLES, primaryKey: 'sys' }, 'primaryKey', /"sys" is not a scalar field selected at articles.items/],
    [{ ...CONTENTFUL_ARTICLES, streams: ['articles', 'more'] }, 'streams', /this query reads one stream, articles/],
    [{ ...CONTENTFUL_ARTICLES, streamName: 'articles', streams: ['content_views'] }, 'streams', /this query reads one stream, articles/],
    [{ ...CONTENTFUL_ARTICLES, streamName: 'Articles' }, 'streamName', /must be snake_case/],
    [{ query: 'strapi', totalPath: 'x.total' }, 'totalPath', /the strapi preset sets its own/],
  ])('refuses a query config that cannot be read (%#), naming the field', (query, field, message) => {
    const parsed = cmsSourceSchema.safeParse({ kind: 'cms', endpoint: 'https://cms.example/graphql', accessToken: 't', ...query });
    const issues = parsed.success ? [] : parsed.error.issues;
    expect(issues.map((issue) => issue.path.join('.'))).toContain(field);
    expect(issues.find((issue) => issue.path.join('.') === field)?.message).toMatch(message);
  });

  it('checks the query against the CMS schema: each field it lacks, in graphql-js words', async () => {
    const sim = await simulator();
    const bad = configFor(sim, { ...OWN_QUERY, query: OWN_QUERY.query.replace('title', 'headline') });
    const refused = await cmsSource.refusedChoices?.(bad, { signal: new AbortController().signal });
    expect(refused).toEqual([{ path: ['query'], message: 'Cannot query field "headline" on type "ContentView".' }]);
    expect(await cmsSource.refusedChoices?.(configFor(sim, OWN_QUERY), { signal: new AbortController().signal })).toEqual([]);
  });
});

describe('requests timed against the 500 ms target', () => {
  it('counts and logs a request slower than 500 ms, and not a fast one', async () => {
    const sim = await simulator({ flawRates: STEADY });
    cmsRequestTimings.drain();
    await readPage(configFor(sim, { pageSize: 1000 }));
    expect(cmsRequestTimings.snapshot()).toMatchObject({ targetMs: 500, requests: 1, slow: 0 });
    sim.setLatency(650);
    await readPage(configFor(sim, { pageSize: 999 }));
    const figures = cmsRequestTimings.drain();
    expect(figures).toMatchObject({ targetMs: 500, requests: 2, slow: 1 });
    expect(figures.slowestMs).toBeGreaterThanOrEqual(650);
  });
});

describe('results cached for 5 minutes', () => {
  it('serves a repeated query from the cache without a request', async () => {
    const sim = await simulator({ flawRates: STEADY });
    const config = configFor(sim, { pageSize: 5 });
    const first = await readPage(config);
    const again = await readPage(config);
    expect(first.apiCalls).toBe(1);
    expect(again).toEqual({ ...first, apiCalls: 0 });
    expect(sim.requests()).toHaveLength(1);
  });

  it('always asks afresh for the last page, where new rows arrive', async () => {
    const sim = await simulator({ contents: 2, days: 1, flawRates: STEADY });
    const config = configFor(sim, { pageSize: 50 });
    expect((await readPage(config)).rows).toHaveLength(2);
    sim.addRows(1);
    const again = await readPage(config);
    expect(again.apiCalls).toBe(1);
    expect(again.rows).toHaveLength(3);
  });

  it('forgets an entry after 5 minutes, and the oldest entries once past its byte budget', () => {
    let now = 0;
    const cache = new ResponseCache<string>({ maxBytes: 100, now: () => now });
    cache.set('a', 'page a', 60);
    now = 5 * 60_000 - 1;
    expect(cache.get('a')).toBe('page a');
    now = 5 * 60_000;
    expect(cache.get('a')).toBeUndefined();
    cache.set('b', 'page b', 60);
    cache.set('c', 'page c', 60);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBe('page c');
    cache.set('huge', 'page', 101);
    expect(cache.get('huge')).toBeUndefined();
  });
});

describe('payload guard', () => {
  const BIG = 40 * 1024 * 1024;

  it.each([
    ['streamed without a length', false],
    ['declared by Content-Length', true],
  ])('refuses a response past maxPayloadBytes (%s) without reading the rest', async (_label, declareLength) => {
    const sim = await simulator({ flawRates: STEADY });
    sim.oversizeNext(BIG, declareLength);
    const error: unknown = await readPage(configFor(sim, { pageSize: 20, maxPayloadBytes: 64 * 1024 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ category: 'data' });
    const message = error instanceof Error ? error.message : '';
    expect(message).toMatch(/payload limit of 0\.066 MB \(maxPayloadBytes 65536\)/);
    expect(message).toMatch(/lower the connector's pageSize \(now 20\)/);
    const report = await waitFor(() => sim.lastOversize());
    expect(report.abandoned).toBe(true);
    expect(report.writtenBytes).toBeLessThan(BIG / 4);
  });

  it('accepts a response under the limit', async () => {
    const sim = await simulator({ flawRates: STEADY });
    const page = await readPage(configFor(sim, { pageSize: 20, maxPayloadBytes: 64 * 1024 }));
    expect(page.rows).toHaveLength(20);
  });

  it('refuses a limit above the 500 MB of FR-4, naming the field', () => {
    const parsed = cmsSourceSchema.safeParse({
      kind: 'cms',
      endpoint: 'https://cms.example/graphql',
      accessToken: 't',
      maxPayloadBytes: 600_000_000,
    });
    expect(parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'))).toEqual(['maxPayloadBytes']);
  });
});

describe('GraphQL errors', () => {
  it('maps an argument the CMS refuses (BAD_USER_INPUT) to a config error that says what to check', async () => {
    const sim = await simulator();
    const error: unknown = await readPage(configFor(sim), {
      cursor: null,
      pageToken: 'bm90LWEtY3Vyc29y',
      partition: null,
      connectorId: 'connector-under-test',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ category: 'config' });
    expect(error instanceof Error ? error.message : '').toMatch(/BAD_USER_INPUT.*"after" is not a valid cursor/);
  });

  it('refuses a stored cursor that is not a timestamp before asking the CMS', async () => {
    const sim = await simulator();
    const error: unknown = await readPage(configFor(sim), {
      cursor: { value: 'yesterday', lastKey: 'x' },
      pageToken: null,
      partition: null,
      connectorId: 'connector-under-test',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ category: 'config' });
    expect(sim.requests()).toHaveLength(0);
  });
});

async function waitFor<T>(probe: () => T | null, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
