/**
 * What the product knows about each source's API as data: its rate limit (the rate of its Temporal
 * task queue, so it holds across every worker) and how often a connector of it runs by default.
 * Workflow-safe.
 */
import { z } from 'zod';
import type { ConnectorSettings, SourceKind } from './connector';
import { brandwatchTraits } from './streams/brandwatch';
import { cmsTraits } from './streams/cms';
import { ga4Traits } from './streams/ga4';
import { salesforceTraits } from './streams/salesforce';
import { zendeskTraits } from './streams/zendesk';
import { sendgridTraits } from './streams/sendgrid';

/** `requests` per `perSeconds`, as the service documents it. */
export const rateLimitSchema = z.object({
  requests: z.number().positive(),
  perSeconds: z.number().positive(),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

export interface SourceTraits {
  /** The service's request limit; null for push sources, which make no calls. */
  readonly rateLimit: RateLimit | null;
  /** A connector's schedule when its config names none; null: it runs when events arrive (webhooks). */
  readonly defaultSchedule: string | null;
  /** Short label for docs and the Web UI. */
  readonly title: string;
}

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

/** Every source's traits; the compiler reports a kind without an entry. */
export const sourceTraits: Record<SourceKind, SourceTraits> = {
  salesforce: salesforceTraits,
  zendesk: zendeskTraits,
  cms: cmsTraits,
  sendgrid: sendgridTraits,
  ga4: ga4Traits,
  brandwatch: brandwatchTraits,
};

/** A source that pushes to us (webhooks) and is read from its inbox by one drain workflow. */
export const isPushSource = (kind: SourceKind): boolean => sourceTraits[kind].rateLimit === null;

/**
 * The interval a connector's schedule runs at; null: it has none. A push source never has one:
 * its deliveries wake its drain, and a scheduled cycle would race the drain over the inbox cursor.
 */
export function scheduleEvery(configuration: Pick<ConnectorSettings, 'source' | 'schedule'>): string | null {
  if (isPushSource(configuration.source.kind)) return null;
  return configuration.schedule.every ?? sourceTraits[configuration.source.kind].defaultSchedule;
}
