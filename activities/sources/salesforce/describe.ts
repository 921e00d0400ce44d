/**
 * The org's own schema: `sobjects/<Object>/describe` through jsforce, one request per object, read
 * as the connector's catalog (domain/catalog.ts). A field keeps the column name today's streams give
 * it; any other is its API name in snake_case. The customer-id field (configured, else the object's
 * External ID field, else Id) is the `customer_id` column. Compound fields (addresses) are left out:
 * their components are fields of their own.
 */
import type { Connection } from 'jsforce/lib/connection';
import { z } from 'zod';
import type { CatalogField, CatalogStream } from '../../../domain/catalog';
import type { ColumnType } from '../../../domain/streams/types';
import { ConnectorError, RateLimitedError } from '../../errors';
import { parseBody } from '../http-kit';
import { salesforceStreams, type SalesforceSourceConfig, type SalesforceStreamName } from './definition';
import { CUSTOMER_ID_COLUMN } from './partitions';
import { requestJson } from './query-pages';

const describeSchema = z.object({
  name: z.string(),
  fields: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      nillable: z.boolean(),
      externalId: z.boolean().default(false),
      compoundFieldName: z.string().nullable().default(null),
    }),
  ),
});
export type ObjectDescription = z.infer<typeof describeSchema>;

/** Salesforce's field types as columns; compound and binary ones are not read. */
const COLUMN_TYPES: Readonly<Record<string, ColumnType | 'skip'>> = {
  id: 'string',
  reference: 'string',
  string: 'string',
  textarea: 'string',
  picklist: 'string',
  multipicklist: 'string',
  combobox: 'string',
  email: 'string',
  phone: 'string',
  url: 'string',
  encryptedstring: 'string',
  time: 'string',
  boolean: 'boolean',
  int: 'integer',
  long: 'integer',
  double: 'number',
  currency: 'number',
  percent: 'number',
  date: 'date',
  datetime: 'timestamp',
  anyType: 'json',
  address: 'skip',
  location: 'skip',
  base64: 'skip',
};

/** Field types that hold personal data whatever the field is called. */
const PERSONAL_TYPES = new Set(['email', 'phone']);

const CURSOR_CANDIDATES = ['system_modstamp', 'last_modified_at', 'created_at'];

/** One request: the object's describe, or the daily quota's stop. */
export async function describeObject(
  conn: Connection,
  sobject: string,
  config: SalesforceSourceConfig,
  signal: AbortSignal,
): Promise<{ kind: 'described'; description: ObjectDescription } | { kind: 'quota-exhausted'; detail: string }> {
  const result = await requestJson(conn, `/sobjects/${encodeURIComponent(sobject)}/describe`, config, signal);
  if (result.kind === 'quota-exhausted') return result;
  if (result.kind === 'locator-expired') throw new ConnectorError('system', 'Salesforce answered a describe as an expired query locator');
  return {
    kind: 'described',
    description: parseBody(describeSchema, result.body, { service: 'Salesforce', action: `a describe of ${sobject}` }),
  };
}

/** The describe, or a RateLimitedError when the daily quota is spent (for a caller with no deferral: the API's catalog). */
export async function describeOrThrow(
  conn: Connection,
  sobject: string,
  config: SalesforceSourceConfig,
  signal: AbortSignal,
): Promise<ObjectDescription> {
  const described = await describeObject(conn, sobject, config, signal);
  if (described.kind === 'quota-exhausted') throw new RateLimitedError(`Salesforce's daily API quota is spent: ${described.detail}`, null);
  return described.description;
}

/** FirstName → first_name, Loyalty_Tier__c → loyalty_tier__c. */
const snakeCase = (field: string): string =>
  field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();

/** The customer-id field the config names, else the object's External ID field, else Id (contacts and leads only). */
export function customerIdField(name: SalesforceStreamName, description: ObjectDescription, config: SalesforceSourceConfig): string | null {
  const configured = config.objects[name]?.customerIdField;
  if (configured) return configured;
  if (name !== 'contact' && name !== 'lead') return null;
  return description.fields.find((field) => field.externalId)?.name ?? 'Id';
}

/** One object's describe as the stream the config makes of it. */
export function catalogStreamOf(name: SalesforceStreamName, description: ObjectDescription, config: SalesforceSourceConfig): CatalogStream {
  const known = new Map(salesforceStreams[name].columns.map((c) => [c.sourceField ?? c.name, c]));
  const customerId = customerIdField(name, description, config);
  const fields: CatalogField[] = [];
  for (const field of description.fields) {
    const type = COLUMN_TYPES[field.type] ?? 'string';
    if (type === 'skip') continue;
    const knownColumn = known.get(field.name);
    // Customer_Id__c is `customer_id` only as the customer-id field: beside another one (an org's own External ID) it is a field like any.
    const knownName = knownColumn?.name === CUSTOMER_ID_COLUMN ? undefined : knownColumn?.name;
    const column = field.name === customerId && field.name !== 'Id' ? CUSTOMER_ID_COLUMN : (knownName ?? snakeCase(field.name));
    const personal = (knownColumn?.personal ?? false) || PERSONAL_TYPES.has(field.type);
    fields.push({ column, sourceField: field.name, type, sourceType: field.type, nullable: field.nillable, personal });
  }
  // Id as the customer id is a column of its own, so `id` stays the key and customer_id is always there.
  if (customerId === 'Id')
    fields.push({ column: CUSTOMER_ID_COLUMN, sourceField: 'Id', type: 'string', sourceType: 'id', nullable: false, personal: false });
  const columns = new Set(fields.map((field) => field.column));
  return {
    name,
    sourceName: description.name,
    defaultSelected: config.streams.includes(name),
    primaryKey: ['id'],
    cursorCandidates: CURSOR_CANDIDATES.filter((column) => columns.has(column)),
    fields,
  };
}
