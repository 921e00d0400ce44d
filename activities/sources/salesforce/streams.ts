/**
 * A Salesforce stream as a connector reads it: the object's discovered fields (its catalog entry)
 * narrowed to the fields the config chooses. Pure and workflow-safe.
 */
import type { CatalogStream } from '../../../domain/catalog';
import type { StreamColumn } from '../../../domain/streams/types';
import { column } from '../definition';
import { SALESFORCE_STREAM_NAMES, salesforceStreams, type SalesforceSourceConfig, type SalesforceStream } from './definition';

/** The fields every stream reads whatever the config chooses: key, cursor, deletion flag, creation time. */
export const REQUIRED_FIELDS: readonly string[] = ['Id', 'SystemModstamp', 'IsDeleted', 'CreatedDate'];

const isStreamName = (name: string): name is SalesforceStream['name'] => SALESFORCE_STREAM_NAMES.some((n) => n === name);

export function salesforceStreamFrom(config: SalesforceSourceConfig, entry: CatalogStream): SalesforceStream {
  if (!isStreamName(entry.name)) throw new Error(`Salesforce has no stream ${entry.name}`);
  const settings = config.objects[entry.name];
  const chosen = settings?.fields;
  const reads = (sourceField: string, name: string): boolean =>
    !chosen ||
    REQUIRED_FIELDS.includes(sourceField) ||
    chosen.includes(sourceField) ||
    sourceField === activeRuleOf(config, entry.name)?.field ||
    name === 'customer_id';
  const columns: StreamColumn[] = entry.fields
    .filter((field) => reads(field.sourceField, field.column))
    .map((field) => column(field.column, field.type, field.sourceField === field.column ? undefined : field.sourceField, field.personal));
  return { ...salesforceStreams[entry.name], sobject: entry.sourceName, columns };
}

/**
 * The active / consent rule of a stream: the field and value a record must have to be marketed to,
 * or null. Left out of the config, contacts and leads keep Active__c = true (where the org has it).
 */
export function activeRuleOf(config: SalesforceSourceConfig, stream: string): { field: string; equals: boolean | string } | null {
  const configured = isStreamName(stream) ? config.objects[stream]?.activeRule : undefined;
  if (configured !== undefined) return configured;
  return stream === 'contact' || stream === 'lead' ? { field: 'Active__c', equals: true } : null;
}
