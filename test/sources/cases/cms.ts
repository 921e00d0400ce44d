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

export const cmsCase: SourceConformanceCase<CmsSourceConfig> = {
  kind: 'cms',
  plugin: cmsSource,
  stream: 'content_views',
  async start({ records, pageSize }) {
    const sim = await startCmsSimulator({ contents: records, days: 1, flawRates: { updateDuringRead: 0 } });
    return {
      config: cmsConfigFor(sim, { pageSize }),
      refusedConfig: cmsConfigFor(sim, { pageSize, accessToken: 'expired-token' }),
      addRecords: async (_stream, count) => void sim.addRows(count),
      throttleNext: async (times, retryAfterSeconds, afterRequests) => sim.throttleNext(times, retryAfterSeconds, afterRequests),
      requests: () => sim.requests().map((request) => request.at),
      stop: () => sim.stop(),
    };
  },
};
