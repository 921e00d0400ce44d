/**
 * The simulated org's objects and their field types, derived from the connector's own stream
 * definitions so that the simulator can never drift from what the plug-in selects.
 */
import { salesforceStreams } from '../../activities/sources/salesforce/definition';
import type { ColumnType } from '../../domain/streams/types';

export const SIM_OBJECTS = ['Contact', 'Lead', 'Opportunity', 'CampaignMember', 'Campaign', 'Account'] as const;
export type SimObjectName = (typeof SIM_OBJECTS)[number];

/** The SOQL literal kind a field compares with. */
export type SoqlType = 'string' | 'datetime' | 'date' | 'number' | 'boolean';
export type FieldValue = string | number | boolean | null;
/** Records are replaced, never mutated, so a query cursor can keep references as its snapshot. */
export type SimRecord = Readonly<Record<string, FieldValue>>;

export interface ObjectSchema {
  readonly name: SimObjectName;
  /** The first three characters of every Salesforce id of this object. */
  readonly idPrefix: string;
  /** Canonical field name → type. */
  readonly fields: ReadonlyMap<string, SoqlType>;
}

const soqlTypeOf: Record<ColumnType, SoqlType> = {
  string: 'string',
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
  timestamp: 'datetime',
  date: 'date',
  json: 'string',
};

const ID_PREFIXES: Record<SimObjectName, string> = {
  Contact: '003',
  Lead: '00Q',
  Opportunity: '006',
  CampaignMember: '00v',
  Campaign: '701',
  Account: '001',
};

function schemaOf(name: SimObjectName): ObjectSchema {
  const stream = Object.values(salesforceStreams).find((s) => s.sobject === name);
  if (!stream) throw new Error(`no Salesforce stream reads ${name}`);
  const fields = new Map(stream.columns.map((c) => [c.sourceField ?? c.name, soqlTypeOf[c.type]]));
  return { name, idPrefix: ID_PREFIXES[name], fields };
}

export const objectSchemas: Record<SimObjectName, ObjectSchema> = {
  Contact: schemaOf('Contact'),
  Lead: schemaOf('Lead'),
  Opportunity: schemaOf('Opportunity'),
  CampaignMember: schemaOf('CampaignMember'),
  Campaign: schemaOf('Campaign'),
  Account: schemaOf('Account'),
};

export function isSimObject(name: string): name is SimObjectName {
  return SIM_OBJECTS.some((o) => o === name);
}

/** SOQL object and field names are case-insensitive; responses use the canonical spelling. */
export function findObject(name: string): ObjectSchema | undefined {
  const match = SIM_OBJECTS.find((o) => o.toLowerCase() === name.toLowerCase());
  return match && objectSchemas[match];
}

export function findField(schema: ObjectSchema, name: string): string | undefined {
  const lower = name.toLowerCase();
  return [...schema.fields.keys()].find((f) => f.toLowerCase() === lower);
}

/** An 18-character id: key prefix, then a zero-padded sequence, so ids sort in creation order. */
export const sfId = (prefix: string, sequence: number): string => `${prefix}000${String(sequence).padStart(9, '0')}AAA`;
