/**
 * `GET /services/data/vXX.X/sobjects/<Object>/describe`: the fields an object has in this org, with
 * the attributes a connector reads (type, nillable, externalId, custom, picklist values, the compound
 * field a component belongs to), shaped like Salesforce's answer.
 */
import type { AddedField, DescribeType } from './profiles';
import type { ObjectSchema, SoqlType } from './schema';

/** Standard fields whose describe type says more than their SOQL type. */
const STANDARD_TYPES: Readonly<Record<string, DescribeType>> = {
  Id: 'id',
  AccountId: 'reference',
  CampaignId: 'reference',
  ContactId: 'reference',
  LeadId: 'reference',
  Email: 'email',
  Phone: 'phone',
  LeadSource: 'picklist',
  Status: 'picklist',
  StageName: 'picklist',
  Title: 'string',
  Amount: 'currency',
  Probability: 'percent',
  ParentId: 'reference',
  Type: 'picklist',
  Industry: 'picklist',
  Website: 'url',
  BudgetedCost: 'currency',
  ActualCost: 'currency',
  ExpectedRevenue: 'currency',
  AnnualRevenue: 'currency',
  NumberOfEmployees: 'int',
};

const BY_SOQL_TYPE: Record<SoqlType, DescribeType> = {
  string: 'string',
  number: 'double',
  boolean: 'boolean',
  datetime: 'datetime',
  date: 'date',
};

/** Never null in Salesforce: system fields, checkboxes, and the names an object requires. */
const REQUIRED = new Set(['Id', 'IsDeleted', 'CreatedDate', 'SystemModstamp', 'LastModifiedDate', 'LastName', 'Name', 'StageName']);

/** Compound fields: the address whose components (MailingCountry, BillingCity…) are fields of their own. */
const COMPOUNDS: Readonly<Record<string, string>> = {
  MailingCountry: 'MailingAddress',
  BillingCity: 'BillingAddress',
  BillingCountry: 'BillingAddress',
};

export interface DescribedField {
  name: string;
  label: string;
  type: DescribeType;
  nillable: boolean;
  custom: boolean;
  externalId: boolean;
  unique: boolean;
  compoundFieldName: string | null;
  picklistValues: { value: string; label: string; active: boolean; defaultValue: boolean }[];
}

const described = (name: string, type: DescribeType, attributes: Partial<DescribedField> = {}): DescribedField => ({
  name,
  label: name.replace(/__c$/, '').replace(/_/g, ' '),
  type,
  nillable: type !== 'boolean' && !REQUIRED.has(name),
  custom: name.endsWith('__c'),
  externalId: false,
  unique: false,
  compoundFieldName: COMPOUNDS[name] ?? null,
  picklistValues: [],
  ...attributes,
});

export function describeObject(
  schema: ObjectSchema,
  externalIds: readonly string[],
  added: readonly AddedField[],
): { name: string; custom: boolean; queryable: boolean; fields: DescribedField[] } {
  const standard = [...schema.fields]
    .filter(([name]) => !added.some((field) => field.name === name))
    .map(([name, soqlType]) => described(name, STANDARD_TYPES[name] ?? BY_SOQL_TYPE[soqlType], { externalId: externalIds.includes(name) }));
  const compounds = [...new Set(standard.flatMap((field) => (field.compoundFieldName ? [field.compoundFieldName] : [])))];
  const custom = added.map((field) =>
    described(field.name, field.type, {
      externalId: field.externalId,
      picklistValues: field.picklistValues.map((value, i) => ({ value, label: value, active: true, defaultValue: i === 0 })),
    }),
  );
  return {
    name: schema.name,
    custom: false,
    queryable: true,
    fields: [...standard, ...compounds.map((name) => described(name, 'address')), ...custom],
  };
}
