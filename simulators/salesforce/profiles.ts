/**
 * Org profiles: which fields an org has beyond the standard ones, and what `describe` says of each.
 * `demo` is the org the demo and most tests use (Customer_Id__c, an External ID, and Active__c);
 * `stock` is a fresh org with no custom field; `custom` adds custom fields of several types and its
 * own External ID. A field can also be added while the org runs (SimulatedOrg.addField).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FieldValue, SimObjectName, SimRecord, SoqlType } from './schema';

export const ORG_PROFILES = ['demo', 'stock', 'custom'] as const;
export type OrgProfileName = (typeof ORG_PROFILES)[number];

/** Salesforce's field types, as describe names them (the ones the simulated objects use). */
export const DESCRIBE_TYPES = [
  'id',
  'reference',
  'string',
  'email',
  'phone',
  'url',
  'picklist',
  'boolean',
  'int',
  'double',
  'currency',
  'percent',
  'date',
  'datetime',
  'address',
] as const;
export type DescribeType = (typeof DESCRIBE_TYPES)[number];

/** A field an org adds to a standard object: a custom field (`__c`). */
export const addedFieldSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'must be a custom field name ending in __c'),
  type: z.enum(['string', 'picklist', 'boolean', 'int', 'double', 'currency', 'date']),
  externalId: z.boolean().default(false),
  picklistValues: z.array(z.string()).default([]),
});
export type AddedField = z.infer<typeof addedFieldSchema>;

export const SOQL_TYPE_OF: Record<AddedField['type'], SoqlType> = {
  string: 'string',
  picklist: 'string',
  boolean: 'boolean',
  int: 'number',
  double: 'number',
  currency: 'number',
  date: 'date',
};

/** A value for an added field, the same for a record every time: derived from its Id. */
export function addedFieldValue(field: AddedField, record: SimRecord): FieldValue {
  const hash = createHash('sha256')
    .update(`${field.name}/${String(record.Id)}`)
    .digest()
    .readUInt32BE(0);
  switch (field.type) {
    case 'picklist':
      return field.picklistValues.length > 0 ? (field.picklistValues[hash % field.picklistValues.length] ?? null) : null;
    case 'boolean':
      return hash % 2 === 0;
    case 'int':
      return hash % 1000;
    case 'double':
    case 'currency':
      return (hash % 1_000_000) / 100;
    case 'date':
      return `2024-${String((hash % 12) + 1).padStart(2, '0')}-${String((hash % 28) + 1).padStart(2, '0')}`;
    case 'string':
      return field.externalId ? `M-${String(record.Id).slice(3, 15)}` : `v${hash % 10_000}`;
  }
}

export interface OrgProfile {
  /** Custom fields of the demo org this org does not have. */
  readonly without: readonly string[];
  /** Which field is the object's External ID, of the demo org's fields. */
  readonly externalIds: readonly string[];
  readonly added: Readonly<Partial<Record<SimObjectName, readonly AddedField[]>>>;
}

const tier: AddedField = { name: 'Loyalty_Tier__c', type: 'picklist', externalId: false, picklistValues: ['Gold', 'Silver', 'Bronze'] };
const memberNumber: AddedField = { name: 'Member_Number__c', type: 'string', externalId: true, picklistValues: [] };

export const orgProfiles: Record<OrgProfileName, OrgProfile> = {
  demo: { without: [], externalIds: ['Customer_Id__c'], added: {} },
  stock: { without: ['Customer_Id__c', 'Active__c'], externalIds: [], added: {} },
  custom: {
    without: [],
    externalIds: [],
    added: {
      Contact: [
        memberNumber,
        tier,
        { name: 'Lifetime_Value__c', type: 'currency', externalId: false, picklistValues: [] },
        { name: 'Last_Event__c', type: 'date', externalId: false, picklistValues: [] },
      ],
      Lead: [memberNumber, { name: 'Score__c', type: 'int', externalId: false, picklistValues: [] }],
    },
  },
};
