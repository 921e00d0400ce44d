import type { SourceKind } from '../connector';
import { salesforceStreams } from './salesforce';
import type { StreamDefinition } from './types';

/** Every stream of every source; the compiler reports a source kind without an entry. */
export const streamsBySource: Record<SourceKind, Readonly<Record<string, StreamDefinition>>> = {
  salesforce: salesforceStreams,
};

export function streamDefinition(source: SourceKind, stream: string): StreamDefinition {
  const definition = streamsBySource[source][stream];
  if (!definition) throw new Error(`source ${source} has no stream named ${stream}`);
  return definition;
}
