/**
 * The GA4 plug-in as a conformance case: the daily_metrics stream of the Data API simulator, read
 * through the real SDK. A record is a report row; every run re-reads the days GA4 still revises.
 */
import { ga4Source } from '../../../activities/sources/ga4';
import { ga4SourceSchema, type Ga4SourceConfig } from '../../../activities/sources/ga4/definition';
import { startGa4Simulator, type Ga4Simulator } from '../../../simulators/ga4/server';
import type { SourceConformanceCase } from '../conformance';

export const ga4ConfigFor = (sim: Ga4Simulator, overrides: Partial<Ga4SourceConfig> = {}): Ga4SourceConfig =>
  ga4SourceSchema.parse({ kind: 'ga4', propertyId: sim.propertyId, accessToken: sim.accessToken, apiEndpoint: sim.url, ...overrides });

export const ga4Case: SourceConformanceCase<Ga4SourceConfig> = {
  kind: 'ga4',
  plugin: ga4Source,
  stream: 'daily_metrics',
  rereads: true,
  async start({ records, pageSize }) {
    const sim = await startGa4Simulator({ dailyRows: records, days: 5 });
    return {
      config: ga4ConfigFor(sim, { pageSize }),
      refusedConfig: ga4ConfigFor(sim, { pageSize, accessToken: 'ya29.revoked-token' }),
      addRecords: async (stream, count) => {
        if (stream !== 'daily_metrics') throw new Error(`the GA4 case seeds daily_metrics, not ${stream}`);
        sim.addDailyRows(count);
      },
      throttleNext: async (times, retryAfterSeconds, afterRequests) => sim.throttleNext(times, retryAfterSeconds, afterRequests),
      requests: () => sim.requests().map((request) => request.at),
      stop: () => sim.stop(),
    };
  },
};
