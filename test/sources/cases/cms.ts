/**
 * The CMS plug-in as a conformance case: the content_views stream of the GraphQL CMS simulator,
 * one day of figures per piece of content so that a record is a row, and no row changing while it
 * is read so that every count is exact.
 */
import { cmsSource, type CmsSourceConfig } from '../../../activities/sources/cms';
import { cmsSourceSchema } from '../../../activities/sources/cms/definition';
import { startCmsSimulator, type CmsSimulator } from '../../../simulators/cms/server';
import type { SourceConformanceCase } from '../conformance';

export function cmsConfigFor(sim: CmsSimulator, overrides: Record<string, unknown> = {}): CmsSourceConfig {
  return cmsSourceSchema.parse({ kind: 'cms', endpoint: sim.endpoint, accessToken: sim.accessToken, ...overrides });
}

/**
 * A query of the user's own over the Hygraph-shaped field: aliases, a typed field, and no filter
 * by the cursor (the plug-in then skips what it read before). Its key and cursor keep the preset's
 * column names, so the shared suite reads it by them.
 */
export const OWN_QUERY = {
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

/** The CMS case reading with `query`: a preset's name, or a query of one's own with its paths (default: the default preset). */
export function cmsCaseWith(query: Record<string, unknown> = {}, label?: string): SourceConformanceCase<CmsSourceConfig> {
  return {
    kind: 'cms',
    plugin: cmsSource,
    stream: 'content_views',
    ...(label ? { label } : {}),
    async start({ records, pageSize }) {
      const sim = await startCmsSimulator({ contents: records, days: 1, flawRates: { updateDuringRead: 0 } });
      return {
        config: cmsConfigFor(sim, { pageSize, ...query }),
        refusedConfig: cmsConfigFor(sim, { pageSize, ...query, accessToken: 'expired-token' }),
        addRecords: async (_stream, count) => void sim.addRows(count),
        throttleNext: async (times, retryAfterSeconds, afterRequests) => sim.throttleNext(times, retryAfterSeconds, afterRequests),
        requests: () => sim.requests().map((request) => request.at),
        stop: () => sim.stop(),
      };
    },
  };
}

export const cmsCase = cmsCaseWith();
