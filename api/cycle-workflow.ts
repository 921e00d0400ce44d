/**
 * How the API names and labels the ingestion cycle it starts (by type name, never by importing
 * workflow code), shared by manual runs and by the connector's schedule.
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { Connector } from '../domain/connector';
import { searchAttributes } from '../domain/constants';
import type { CycleReport } from '../domain/cycle';
import type { IngestionCycleInput } from '../domain/messages';

/** The workflow's signature, so handles started by name have typed arguments and result. */
export type IngestionCycleWorkflow = (input: IngestionCycleInput) => Promise<CycleReport>;

/** Lets operators filter cycles and schedules by connector, source and destination in the Web UI. */
export function cycleSearchAttributes(connector: Connector): SearchAttributePair[] {
  return [
    { key: searchAttributes.connectorId, value: connector.id },
    { key: searchAttributes.connectorName, value: connector.name },
    { key: searchAttributes.source, value: connector.configuration.source.kind },
    { key: searchAttributes.destination, value: connector.configuration.destination.kind },
  ];
}

/**
 * The server caps a summary's serialized payload at 400 bytes (limit.userMetadataSummarySize): the
 * JSON quoting and the encryption's envelope (key id, nonce, tag) fit in what this leaves.
 */
const SUMMARY_BYTES = 200;

/**
 * What the Web UI shows on a cycle's page, so an operator reads which connector and streams it is
 * about rather than a UUID. Like every payload it is encrypted (the client's codec), and it names
 * nothing secret: no credential or setting beyond the source, destination and streams.
 */
export function cycleMetadata(connector: Connector): { staticSummary: string; staticDetails: string } {
  const { source, destination } = connector.configuration;
  const streams = source.streams.join(', ');
  return {
    staticSummary: withinBytes(`${connector.name}: ${source.kind} → ${destination.kind} (${streams})`, SUMMARY_BYTES),
    staticDetails: [
      `**Connector** ${connector.name} (\`${connector.id}\`)`,
      `**Source** ${source.kind}, streams ${streams}`,
      `**Destination** ${destination.kind}`,
    ].join('\n\n'),
  };
}

/** Cut at a character boundary, with an ellipsis, when the UTF-8 text is longer than `bytes`. */
function withinBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let cut = '';
  for (const character of text) {
    if (Buffer.byteLength(`${cut}${character}…`) > bytes) break;
    cut += character;
  }
  return `${cut}…`;
}
