/** How records and errors look on Salesforce's REST wire. */
import type { ObjectSchema, SimRecord } from './schema';

export interface SalesforceErrorBody {
  message: string;
  errorCode: string;
}

/** Salesforce errors are a JSON array of {message, errorCode}. */
export const errorBody = (errorCode: string, message: string): SalesforceErrorBody[] => [{ message, errorCode }];

/** Salesforce writes datetimes with a +0000 offset, not Z. */
const wireDatetime = (isoValue: string): string => isoValue.replace(/Z$/, '+0000');

export function wireRecord(schema: ObjectSchema, fields: readonly string[], record: SimRecord, version: string): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    attributes: { type: schema.name, url: `/services/data/v${version}/sobjects/${schema.name}/${String(record.Id)}` },
  };
  for (const field of fields) {
    const value = record[field] ?? null;
    wire[field] = schema.fields.get(field) === 'datetime' && typeof value === 'string' ? wireDatetime(value) : value;
  }
  return wire;
}
