/**
 * The Salesforce plug-in as a conformance case: a stream (contacts unless named) of the
 * jsforce-speaking simulator, over each org profile (the demo org, a stock org, an org with custom
 * fields), read from its describe as a cycle reads it.
 */
import { salesforceSourceSchema } from '../../../activities/sources/salesforce/definition';
import { salesforceSource, type SalesforceSourceConfig } from '../../../activities/sources/salesforce';
import type { Endpoint } from '../../../simulators/salesforce/gate';
import type { OrgProfileName } from '../../../simulators/salesforce/profiles';
import type { SimObjectName } from '../../../simulators/salesforce/schema';
import { startSalesforceSimulator } from '../../../simulators/salesforce/server';
import type { SourceConformanceCase } from '../conformance';

/** Data requests: describes, REST calls and Bulk API 2.0 job requests count against the org's limits; OAuth logins do not. */
const DATA_ENDPOINTS: readonly Endpoint[] = ['describe', 'query', 'queryAll', 'queryMore', 'bulkJob', 'bulkResults'];

/** The streams a case can read, by their object in the simulated org. */
const OBJECTS = { contact: 'Contact', campaign: 'Campaign', account: 'Account' } as const satisfies Record<string, SimObjectName>;

/**
 * `stream`: the one read (contacts by default); `bulkThreshold`: the config's (0: every read of more
 * than one page goes on in a Bulk API 2.0 job).
 */
export const salesforceCaseFor = (
  profile: OrgProfileName,
  { stream = 'contact', bulkThreshold }: { stream?: keyof typeof OBJECTS; bulkThreshold?: number } = {},
): SourceConformanceCase<SalesforceSourceConfig> => ({
  kind: 'salesforce',
  plugin: salesforceSource,
  stream,
  label: `${stream}, ${profile} org${bulkThreshold === undefined ? '' : `, Bulk API 2.0 above ${bulkThreshold} records`}`,
  async start({ records, pageSize }) {
    const object = OBJECTS[stream];
    const sim = await startSalesforceSimulator({ counts: { [object]: records }, deletedRate: 0, pageSize, profile });
    const config = (password: string): SalesforceSourceConfig =>
      salesforceSourceSchema.parse({
        kind: 'salesforce',
        loginUrl: sim.url,
        auth: { type: 'oauth-password', ...sim.credentials, password },
        ...(bulkThreshold === undefined ? {} : { bulkThreshold }),
      });
    const catalog = await salesforceSource.discover?.(config(sim.credentials.password), { signal: new AbortController().signal });
    // The catalog a plug-in read is given was asked before the case began: its requests are not the case's.
    sim.clearRequests();
    return {
      config: config(sim.credentials.password),
      refusedConfig: config('not-the-password'),
      catalogStream: catalog?.streams.find((entry) => entry.name === stream),
      addRecords: async (_stream, count) => void sim.insertRecords(object, count),
      throttleNext: async (times, retryAfterSeconds, afterRequests = 0) =>
        sim.throttle({
          status: 429,
          times,
          after: afterRequests,
          endpoints: [...DATA_ENDPOINTS],
          ...(retryAfterSeconds === null ? {} : { retryAfterSeconds }),
        }),
      requests: () =>
        sim
          .requests()
          .filter((request) => DATA_ENDPOINTS.includes(request.endpoint))
          .map((request) => request.at),
      stop: () => sim.stop(),
    };
  },
});

/** The demo org: what the cycle suite runs on. */
export const salesforceCase = salesforceCaseFor('demo');

/**
 * The demo org read through Bulk API 2.0 jobs past the first page. Throttles count data requests
 * only, so the cycle suite's throttle after two lands in the job: after the REST page and the open.
 */
export const salesforceBulkCase = salesforceCaseFor('demo', { bulkThreshold: 0 });
