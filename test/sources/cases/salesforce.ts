/** The Salesforce plug-in as a conformance case: the contact stream of the jsforce-speaking simulator. */
import { salesforceSourceSchema } from '../../../activities/sources/salesforce/definition';
import { salesforceSource, type SalesforceSourceConfig } from '../../../activities/sources/salesforce';
import { startSalesforceSimulator } from '../../../simulators/salesforce/server';
import type { SourceConformanceCase } from '../conformance';

export const salesforceCase: SourceConformanceCase<SalesforceSourceConfig> = {
  kind: 'salesforce',
  plugin: salesforceSource,
  stream: 'contact',
  async start({ records, pageSize }) {
    const sim = await startSalesforceSimulator({ counts: { Contact: records }, deletedRate: 0, pageSize });
    const config = (password: string): SalesforceSourceConfig =>
      salesforceSourceSchema.parse({
        kind: 'salesforce',
        loginUrl: sim.url,
        auth: { type: 'oauth-password', ...sim.credentials, password },
      });
    return {
      config: config(sim.credentials.password),
      refusedConfig: config('not-the-password'),
      addRecords: async (_stream, count) => void sim.insertRecords('Contact', count),
      throttleNext: async (times, retryAfterSeconds, afterRequests = 0) =>
        sim.throttle({ status: 429, times, after: afterRequests, ...(retryAfterSeconds === null ? {} : { retryAfterSeconds }) }),
      // REST calls count against the org's limits; OAuth logins do not.
      requests: () =>
        sim
          .requests()
          .filter((request) => ['query', 'queryAll', 'queryMore'].includes(request.endpoint))
          .map((request) => request.at),
      stop: () => sim.stop(),
    };
  },
};
