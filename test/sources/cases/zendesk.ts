/**
 * The Zendesk plug-in as a conformance case: the tickets stream of the Zendesk simulator, with no
 * ticket changing while it is read and none deleted, so that every count is exact.
 */
import { zendeskExportSource, type ZendeskSourceConfig } from '../../../activities/sources/zendesk';
import { zendeskSourceSchema } from '../../../activities/sources/zendesk/definition';
import { startZendeskSimulator, type ZendeskSimulator } from '../../../simulators/zendesk/server';
import type { SourceConformanceCase } from '../conformance';

/** A token issued three days ago: well inside its 30-day rotation. */
const recentlyIssued = (): string => new Date(Date.now() - 3 * 86_400_000).toISOString();

export function zendeskConfigFor(sim: ZendeskSimulator, overrides: Record<string, unknown> = {}): ZendeskSourceConfig {
  return zendeskSourceSchema.parse({
    kind: 'zendesk',
    baseUrl: sim.url,
    email: sim.credentials.email,
    apiToken: sim.credentials.apiToken,
    apiTokenIssuedAt: recentlyIssued(),
    ...overrides,
  });
}

export const zendeskCase: SourceConformanceCase<ZendeskSourceConfig> = {
  kind: 'zendesk',
  plugin: zendeskExportSource,
  stream: 'tickets',
  async start({ records, pageSize }) {
    const sim = await startZendeskSimulator({ tickets: records, flawRates: { updateDuringExport: 0, deleted: 0 } });
    return {
      config: zendeskConfigFor(sim, { pageSize }),
      refusedConfig: zendeskConfigFor(sim, { pageSize, apiToken: 'revoked-token' }),
      addRecords: async (_stream, count) => void sim.addTickets(count),
      throttleNext: async (times, retryAfterSeconds, afterRequests) => sim.throttleNext(times, retryAfterSeconds, afterRequests),
      requests: () => sim.requests().map((request) => request.at),
      stop: () => sim.stop(),
    };
  },
};
