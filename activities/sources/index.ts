/**
 * Every source plug-in by kind: one line per source, and the compiler reports a kind (a definition in
 * domain/sources.ts) without one.
 */
import type { SourceKind } from '../../domain/connector';
import { brandwatchSource } from './brandwatch';
import { cmsSource } from './cms';
import { ga4Source } from './ga4';
import { salesforceSource } from './salesforce';
import { createSendgridSource, type InboxReader } from './sendgrid';
import type { SourcePlugin } from './types';
import { createZendeskSource } from './zendesk';

/** What plug-ins reading our own stores need: the webhook inbox (the control-plane store) of SendGrid and Zendesk. */
export interface SourcePluginDeps {
  inbox: InboxReader;
}

export const sourcePlugins = (deps: SourcePluginDeps): Record<SourceKind, SourcePlugin> => ({
  salesforce: salesforceSource,
  zendesk: createZendeskSource(deps.inbox),
  cms: cmsSource,
  sendgrid: createSendgridSource(deps.inbox),
  ga4: ga4Source,
  brandwatch: brandwatchSource,
});

/** Closes every plug-in given (each at most once): what they keep open for the process is released. */
export async function closeSourcePlugins(plugins: Iterable<SourcePlugin>): Promise<void> {
  const closing = [...new Set(plugins)].flatMap((plugin) => (plugin.close ? [plugin.close()] : []));
  await Promise.all(closing);
}
