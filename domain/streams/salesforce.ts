/**
 * Salesforce streams. Every object is read incrementally by SystemModstamp (indexed, and bumped by
 * system changes too) with Id as the tie-breaker, through queryAll so that deletions arrive as rows
 * with IsDeleted = true.
 */
import type { SourceTraits } from '../sources';
import type { StreamColumn, StreamDefinition } from './types';

export const SALESFORCE_STREAM_NAMES = ['contact', 'lead', 'opportunity', 'campaign_member'] as const;
export type SalesforceStreamName = (typeof SALESFORCE_STREAM_NAMES)[number];

export interface SalesforceStream extends StreamDefinition {
  readonly name: SalesforceStreamName;
  /** The sObject API name queried with SOQL. */
  readonly sobject: string;
}

const col = (name: string, type: StreamColumn['type'], sourceField: string, personal = false): StreamColumn =>
  personal ? { name, type, sourceField, personal } : { name, type, sourceField };

/** Columns every Salesforce stream carries: key, incremental cursor, audit times, deletion flag. */
const systemColumns: StreamColumn[] = [
  col('id', 'string', 'Id'),
  col('created_at', 'timestamp', 'CreatedDate'),
  col('system_modstamp', 'timestamp', 'SystemModstamp'),
  col('is_deleted', 'boolean', 'IsDeleted'),
];

const stream = (name: SalesforceStreamName, sobject: string, columns: StreamColumn[]): SalesforceStream => ({
  name,
  sobject,
  table: `salesforce_${name}`,
  primaryKey: 'id',
  cursorColumn: 'system_modstamp',
  deletedColumn: 'is_deleted',
  columns: [...systemColumns, ...columns],
});

export const salesforceStreams: Record<SalesforceStreamName, SalesforceStream> = {
  contact: stream('contact', 'Contact', [
    col('customer_id', 'string', 'Customer_Id__c'),
    col('first_name', 'string', 'FirstName', true),
    col('last_name', 'string', 'LastName', true),
    col('email', 'string', 'Email', true),
    col('phone', 'string', 'Phone', true),
    col('title', 'string', 'Title'),
    col('account_id', 'string', 'AccountId'),
    col('mailing_country', 'string', 'MailingCountry'),
    col('lead_source', 'string', 'LeadSource'),
    col('is_active', 'boolean', 'Active__c'),
    col('has_opted_out_of_email', 'boolean', 'HasOptedOutOfEmail'),
    col('last_modified_at', 'timestamp', 'LastModifiedDate'),
  ]),
  lead: stream('lead', 'Lead', [
    col('customer_id', 'string', 'Customer_Id__c'),
    col('first_name', 'string', 'FirstName', true),
    col('last_name', 'string', 'LastName', true),
    col('email', 'string', 'Email', true),
    col('company', 'string', 'Company'),
    col('status', 'string', 'Status'),
    col('lead_source', 'string', 'LeadSource'),
    col('is_active', 'boolean', 'Active__c'),
    col('is_converted', 'boolean', 'IsConverted'),
    col('last_modified_at', 'timestamp', 'LastModifiedDate'),
  ]),
  opportunity: stream('opportunity', 'Opportunity', [
    col('account_id', 'string', 'AccountId'),
    col('name', 'string', 'Name'),
    col('stage_name', 'string', 'StageName'),
    col('amount', 'number', 'Amount'),
    col('probability', 'number', 'Probability'),
    col('close_date', 'date', 'CloseDate'),
    col('campaign_id', 'string', 'CampaignId'),
    col('last_modified_at', 'timestamp', 'LastModifiedDate'),
  ]),
  campaign_member: stream('campaign_member', 'CampaignMember', [
    col('campaign_id', 'string', 'CampaignId'),
    col('contact_id', 'string', 'ContactId'),
    col('lead_id', 'string', 'LeadId'),
    col('status', 'string', 'Status'),
    col('has_responded', 'boolean', 'HasResponded'),
    col('first_responded_date', 'date', 'FirstRespondedDate'),
    col('last_modified_at', 'timestamp', 'LastModifiedDate'),
  ]),
};

/** FR-1: a cycle every 15 minutes within 150 requests per minute. */
export const salesforceTraits: SourceTraits = {
  title: 'Salesforce',
  rateLimit: { requests: 150, perSeconds: 60 },
  defaultSchedule: '15m',
};

/** Streams carrying this column can be partitioned by customer-ID range. */
export const CUSTOMER_ID_COLUMN = 'customer_id';

/** `[from, to)` over customer IDs; null is unbounded. The first range also holds records without one. */
export interface CustomerIdRange {
  from: string | null;
  to: string | null;
}

/**
 * Ranges are named by their bounds (`CUST-1..CUST-5`, `..CUST-1`, `CUST-5..`), so a cursor stays
 * with its range; changing the boundaries starts new ranges from the beginning (the merge is
 * idempotent, so that costs API calls, not duplicates).
 */
export const partitionName = (range: CustomerIdRange): string => `${range.from ?? ''}..${range.to ?? ''}`;

export function parsePartition(name: string): CustomerIdRange | null {
  const [from, to, ...rest] = name.split('..');
  if (from === undefined || to === undefined || rest.length > 0) return null;
  return { from: from || null, to: to || null };
}

/** Boundaries `b1 < b2 < …` cut the customer-ID space into `[, b1) [b1, b2) … [bn, )`. */
export function customerIdRanges(boundaries: readonly string[]): CustomerIdRange[] {
  if (boundaries.length === 0) return [];
  const edges = [null, ...boundaries, null];
  return edges.slice(1).map((to, i) => ({ from: edges[i] ?? null, to }));
}

/** The partitions a stream is read in; empty: one unpartitioned read. */
export function salesforcePartitions(boundaries: readonly string[], stream: string): string[] {
  const definition = Object.values(salesforceStreams).find((s) => s.name === stream);
  if (!definition?.columns.some((column) => column.name === CUSTOMER_ID_COLUMN)) return [];
  return customerIdRanges(boundaries).map(partitionName);
}
