/**
 * The CMS plug-in as a conformance case: the content_views stream of the GraphQL CMS simulator,
 * one day of figures per piece of content so that a record is a row, and no row changing while it
 * is read so that every count is exact.
 */
import { cmsSource, type CmsSourceConfig } from '../../../activities/sources/cms';
import { cmsSourceSchema } from '../../../activities/sources/cms/definition';
import { startCmsSimulator, type CmsFlavour, type CmsSimulator } from '../../../simulators/cms/server';
import type { SourceConformanceCase } from '../conformance';

export function cmsConfigFor(
  sim: Pick<CmsSimulator, 'endpoint' | 'accessToken'>,
  overrides: Record<string, unknown> = {},
): CmsSourceConfig {
  return cmsSourceSchema.parse({ kind: 'cms', endpoint: sim.endpoint, accessToken: sim.accessToken, ...overrides });
}

/**
 * A query of the user's own over the Hygraph-shaped field: aliases, a typed field, and no filter
 * by the cursor (the plug-in then skips what it read before). Its stream is named content_views and
 * its key and cursor keep the preset's column names, so the shared suite reads it by them.
 */
export const OWN_QUERY = {
  streamName: 'content_views',
  query: `query Hits($first: Int!, $after: String) {
  page: contentViewsConnection(first: $first, after: $after, orderBy: updatedAt_ASC) {
    edges { node { id title hits: views updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  recordsPath: 'page.edges.node',
  pageInfoPath: 'page.pageInfo',
  cursorField: 'updatedAt',
  fieldTypes: { hits: 'integer' },
} as const;

/**
 * Other records than the content views, as a Contentful space serves them: a query of one's own
 * paged by offset, keyed and read by `sys`, landing in a stream named for its records (articles).
 */
export const CONTENTFUL_ARTICLES = {
  query: `query Articles($skip: Int!, $limit: Int!, $updatedSince: DateTime) {
  articles: contentViewCollection(skip: $skip, limit: $limit, where: { sys: { publishedAt_gte: $updatedSince } }, order: [sys_publishedAt_ASC, sys_id_ASC]) {
    total
    items { sys { id publishedAt } title url views }
  }
}`,
  recordsPath: 'articles.items',
  totalPath: 'articles.total',
  cursorField: 'sys.publishedAt',
  primaryKey: 'sys.id',
} as const;

/** Where a case's CMS answers: the simulator's own shape (and Hygraph's), or another CMS's. */
export type CmsApi = 'own' | CmsFlavour;

/** The CMS case reading with `query`: a preset's name, or a query of one's own with its paths (default: the default preset). */
export function cmsCaseWith(
  query: Record<string, unknown> = {},
  label?: string,
  api: CmsApi = 'own',
  stream = 'content_views',
): SourceConformanceCase<CmsSourceConfig> {
  return {
    kind: 'cms',
    plugin: cmsSource,
    stream,
    ...(label ? { label } : {}),
    async start({ records, pageSize }) {
      const sim = await startCmsSimulator({ contents: records, days: 1, flawRates: { updateDuringRead: 0 } });
      const endpoint = api === 'own' ? sim.endpoint : sim.endpoints[api];
      return {
        config: cmsConfigFor(sim, { pageSize, endpoint, ...query }),
        refusedConfig: cmsConfigFor(sim, { pageSize, endpoint, ...query, accessToken: 'expired-token' }),
        addRecords: async (_stream, count) => void sim.addRows(count),
        throttleNext: async (times, retryAfterSeconds, afterRequests) => sim.throttleNext(times, retryAfterSeconds, afterRequests),
        requests: () => sim.requests().map((request) => request.at),
        stop: () => sim.stop(),
      };
    },
  };
}

export const cmsCase = cmsCaseWith();
