/**
 * Every source, by kind: each one's definition (activities/sources/<kind>/definition.ts) holds its
 * streams, config schema, default suites, rate limit and default schedule. Adding a source is its
 * folder and one line here; the compiler then asks for its plug-in (activities/sources/index.ts).
 * Workflow-safe: definitions are data, and no plug-in code is loaded.
 */
import { brandwatchDefinition } from '../activities/sources/brandwatch/definition';
import { cmsDefinition } from '../activities/sources/cms/definition';
import { rateLimitSchema, type RateLimit, type SourceDefinition } from '../activities/sources/definition';
import { ga4Definition } from '../activities/sources/ga4/definition';
import { salesforceDefinition } from '../activities/sources/salesforce/definition';
import { sendgridDefinition } from '../activities/sources/sendgrid/definition';
import { zendeskDefinition } from '../activities/sources/zendesk/definition';
import type { SourceConfig } from './connector';
import type { StreamDefinition } from './streams/types';

export { rateLimitSchema, type RateLimit };

/** Each definition under its own kind; the types of its config and streams are kept. */
const byKind = <T extends { readonly [K in keyof T]: SourceDefinition<K & string> }>(definitions: T): T => definitions;

/** In the order the API lists sources. */
export const sourceDefinitions = byKind({
  salesforce: salesforceDefinition,
  sendgrid: sendgridDefinition,
  zendesk: zendeskDefinition,
  cms: cmsDefinition,
  ga4: ga4Definition,
  brandwatch: brandwatchDefinition,
});

export type SourceKind = keyof typeof sourceDefinitions;
export const SOURCE_KINDS: readonly SourceKind[] = Object.values(sourceDefinitions).map((definition) => definition.kind);

export function streamDefinition(source: SourceKind, stream: string): StreamDefinition {
  const streams: Readonly<Record<string, StreamDefinition>> = sourceDefinitions[source].streams;
  const definition = Object.hasOwn(streams, stream) ? streams[stream] : undefined;
  if (!definition) throw new Error(`source ${source} has no stream named ${stream}`);
  return definition;
}

/** A connector's streams by name: its config's own where the source derives them (GA4's reports), else the source's. */
export function connectorStreams(source: SourceConfig): Readonly<Record<string, StreamDefinition>> {
  const definition: SourceDefinition<string, string, SourceConfig> = sourceDefinitions[source.kind];
  return definition.streamsOf ? definition.streamsOf(source) : definition.streams;
}

/** One of a connector's streams, by name. */
export function connectorStream(source: SourceConfig, stream: string): StreamDefinition {
  const streams = connectorStreams(source);
  const definition = Object.hasOwn(streams, stream) ? streams[stream] : undefined;
  if (!definition) throw new Error(`this ${source.kind} connector has no stream named ${stream}`);
  return definition;
}

/** Every stream of a source. */
export const streamsOf = (source: SourceKind): StreamDefinition[] => Object.values(sourceDefinitions[source].streams);

/**
 * The rate to give a source's task queue so that no window of the limit's length ever holds more
 * than the limit. Temporal's dispatch limiter is a token bucket whose burst is ceil(rate): any
 * window of W seconds may see burst + rate × W starts. Solving burst + rate × W ≤ requests with
 * burst = ceil(requests / (W + 1)) gives the rate (2.45/s for 150 per minute, 50/s for 100 per
 * second). It holds with one partition per source queue, which the dev server and the deployed
 * dynamic config set (matching.numTaskqueue*Partitions), since each partition has its own bucket.
 */
export function queueRatePerSecond(limit: RateLimit): number {
  const burst = Math.ceil(limit.requests / (limit.perSeconds + 1));
  return (limit.requests - burst) / limit.perSeconds;
}

/** Share of a rate limit or quota at which usage raises an alert. */
export const API_USAGE_ALERT_SHARE = 0.8;

/** A source that pushes to us (webhooks) and is read from its inbox by one drain workflow. */
export const isPushSource = (kind: SourceKind): boolean => sourceDefinitions[kind].rateLimit === null;

/**
 * The interval a connector's schedule runs at; null: it has none. A push source never has one:
 * its deliveries wake its drain, and a scheduled cycle would race the drain over the inbox cursor.
 */
export function scheduleEvery(configuration: { source: { kind: SourceKind }; schedule: { every?: string | undefined } }): string | null {
  if (isPushSource(configuration.source.kind)) return null;
  return configuration.schedule.every ?? sourceDefinitions[configuration.source.kind].defaultSchedule;
}
