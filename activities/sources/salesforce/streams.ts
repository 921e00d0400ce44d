/**
 * A Salesforce stream as a connector reads it: the object's discovered fields (its catalog entry)
 * narrowed to the fields the config chooses. Pure and workflow-safe.
 */
import type { CatalogStream } from '../../../domain/catalog';
import type { ActiveRule, StreamColumn } from '../../../domain/streams/types';
import { ConnectorError } from '../../errors';
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
  return { ...salesforceStreams[entry.name], sobject: entry.sourceName, columns, activeRule: activeRuleIn(config, entry) };
}

/**
 * The active / consent rule of a stream: the field and value a record must have to be marketed to,
 * or null. Left out of the config, contacts and leads keep the default (Active__c = true, where the
 * org has it).
 */
export function activeRuleOf(config: SalesforceSourceConfig, stream: string): { field: string; equals: boolean | string } | null {
  if (!isStreamName(stream)) return null;
  const configured = config.objects[stream]?.activeRule;
  if (configured !== undefined) return configured;
  const byDefault = salesforceStreams[stream].activeRule;
  const field = salesforceStreams[stream].columns.find((c) => c.name === byDefault?.column)?.sourceField;
  return byDefault && field ? { field, equals: byDefault.equals } : null;
}

/**
 * The rule as the stream's column holds it. The default rule on a field the org lacks is no rule (a
 * stock org has no Active__c: everyone is active); a configured rule on a field the org lacks is a
 * config error, since reading on would market to people the rule was meant to hold back.
 */
function activeRuleIn(config: SalesforceSourceConfig, entry: CatalogStream): ActiveRule | undefined {
  const rule = activeRuleOf(config, entry.name);
  if (!rule) return undefined;
  const field = entry.fields.find((candidate) => candidate.sourceField === rule.field);
  if (field) return { column: field.column, equals: rule.equals };
  if (isStreamName(entry.name) && config.objects[entry.name]?.activeRule)
    throw new ConnectorError(
      'config',
      `objects.${entry.name}.activeRule.field: the org's ${entry.sourceName} has no field ${rule.field}`,
      "name a field of the object's describe (GET …/catalog lists them), or set activeRule to null for no rule",
    );
  return undefined;
}
