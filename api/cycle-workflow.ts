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
    { key: searchAttributes.source, value: connector.configuration.source.kind },
    { key: searchAttributes.destination, value: connector.configuration.destination.kind },
  ];
}
