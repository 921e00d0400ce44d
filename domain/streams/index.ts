import type { SourceKind } from '../connector';
import { brandwatchStreams } from './brandwatch';
import { cmsStreams } from './cms';
import { ga4Streams } from './ga4';
import { salesforceStreams } from './salesforce';
import { sendgridStreams } from './sendgrid';
import type { StreamDefinition } from './types';
import { zendeskStreams } from './zendesk';

/** Every stream of every source; the compiler reports a source kind without an entry. */
export const streamsBySource: Record<SourceKind, Readonly<Record<string, StreamDefinition>>> = {
  salesforce: salesforceStreams,
  zendesk: zendeskStreams,
  cms: cmsStreams,
  sendgrid: sendgridStreams,
  ga4: ga4Streams,
  brandwatch: brandwatchStreams,
};

export function streamDefinition(source: SourceKind, stream: string): StreamDefinition {
  const definition = streamsBySource[source][stream];
  if (!definition) throw new Error(`source ${source} has no stream named ${stream}`);
  return definition;
}
