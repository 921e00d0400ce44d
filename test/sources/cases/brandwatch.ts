/**
 * The Brandwatch plug-in as a conformance case: the mentions stream of the Brandwatch simulator,
 * without flaws so that every count is exact, and with room above Brandwatch's 30 requests per 10
 * minutes so that the simulator's own limit never gets in a test's way.
 */
import { brandwatchSource } from '../../../activities/sources/brandwatch';
import { brandwatchSourceSchema, type BrandwatchSourceConfig } from '../../../activities/sources/brandwatch/definition';
import { startBrandwatchSimulator, type BrandwatchSimulator } from '../../../simulators/brandwatch/server';
import type { SourceConformanceCase } from '../conformance';

export const ROOMY_LIMIT = { requests: 1_000, windowMs: 600_000 };

/** The simulator's source configuration as a client sends it (no defaults filled in). */
export const brandwatchSourceFor = (sim: BrandwatchSimulator, overrides: Record<string, unknown> = {}) => ({
  kind: 'brandwatch' as const,
  apiUrl: sim.url,
  ...sim.credentials,
  projectId: sim.projectId,
  queryIds: sim.queryIds,
  ...overrides,
});

export const brandwatchConfigFor = (sim: BrandwatchSimulator, overrides: Partial<BrandwatchSourceConfig> = {}): BrandwatchSourceConfig =>
  brandwatchSourceSchema.parse(brandwatchSourceFor(sim, overrides));

export const brandwatchCase: SourceConformanceCase<BrandwatchSourceConfig> = {
  kind: 'brandwatch',
  plugin: brandwatchSource,
  stream: 'mentions',
  async start({ records, pageSize }) {
    const sim = await startBrandwatchSimulator({ mentions: records, rateLimit: ROOMY_LIMIT });
    return {
      config: brandwatchConfigFor(sim, { pageSize }),
      refusedConfig: brandwatchConfigFor(sim, { pageSize, password: 'not-the-password' }),
      addRecords: async (stream, count) => {
        if (stream !== 'mentions') throw new Error(`Brandwatch has no stream ${stream}`);
        sim.addMentions(count);
      },
      throttleNext: async (times, retryAfterSeconds, afterRequests) => sim.throttleNext(times, retryAfterSeconds, afterRequests),
      // The paced requests: a worker's one token grant per account (the token lives a year) is not
      // a task of the source's queue, so it is left out of what the queue's rate must hold to.
      requests: () =>
        sim
          .requests()
          .filter((request) => request.endpoint === 'mentions')
          .map((request) => request.at),
      stop: () => sim.stop(),
    };
  },
};
