/**
 * Salesforce as data. Every object is read incrementally by SystemModstamp (indexed, and bumped by
 * system changes too) with Id as the tie-breaker, through queryAll so that deletions arrive as rows
 * with IsDeleted = true. Workflow-safe.
 */
import { z } from 'zod';
import { httpUrlSchema } from '../../../domain/http-url';
import type { ActiveRule, StreamColumn, StreamDefinition } from '../../../domain/streams/types';
import { batchSizeSchema, column, streamChoice, type SourceDefinition } from '../definition';
import contactSuite from './suites/contact.json';
import leadSuite from './suites/lead.json';
import opportunitySuite from './suites/opportunity.json';
import campaignMemberSuite from './suites/campaign_member.json';
import campaignSuite from './suites/campaign.json';
import accountSuite from './suites/account.json';

export const SALESFORCE_STREAM_NAMES = ['contact', 'lead', 'opportunity', 'campaign_member', 'campaign', 'account'] as const;
export type SalesforceStreamName = (typeof SALESFORCE_STREAM_NAMES)[number];

export interface SalesforceStream extends StreamDefinition {
  readonly name: SalesforceStreamName;
  /** The sObject API name queried with SOQL. */
  readonly sobject: string;
}

/** Columns every Salesforce stream carries: key, incremental cursor, audit times, deletion flag. */
const systemColumns: StreamColumn[] = [
  column('id', 'string', 'Id'),
  column('created_at', 'timestamp', 'CreatedDate'),
  column('system_modstamp', 'timestamp', 'SystemModstamp'),
  column('is_deleted', 'boolean', 'IsDeleted'),
];

/** The active rule of contacts and leads unless a connector configures its own: the org's Active__c checkbox is set. */
const ACTIVE_FLAG: ActiveRule = { column: 'is_active', equals: true };

const stream = (name: SalesforceStreamName, sobject: string, columns: StreamColumn[]): SalesforceStream => ({
  name,
  sobject,
  table: `salesforce_${name}`,
  primaryKey: 'id',
  cursorColumn: 'system_modstamp',
  deletedColumn: 'is_deleted',
  columns: [...systemColumns, ...columns],
  // Contacts and leads are the people marketed to; no other object has an active rule.
  ...((name === 'contact' || name === 'lead') && { activeRule: ACTIVE_FLAG }),
});

export const salesforceStreams: Record<SalesforceStreamName, SalesforceStream> = {
  contact: stream('contact', 'Contact', [
    column('customer_id', 'string', 'Customer_Id__c'),
    column('first_name', 'string', 'FirstName', true),
    column('last_name', 'string', 'LastName', true),
    column('email', 'string', 'Email', true),
    column('phone', 'string', 'Phone', true),
    column('title', 'string', 'Title'),
    column('account_id', 'string', 'AccountId'),
    column('mailing_country', 'string', 'MailingCountry'),
    column('lead_source', 'string', 'LeadSource'),
    column('is_active', 'boolean', 'Active__c'),
    column('has_opted_out_of_email', 'boolean', 'HasOptedOutOfEmail'),
    column('last_modified_at', 'timestamp', 'LastModifiedDate'),
  ]),
  lead: stream('lead', 'Lead', [
    column('customer_id', 'string', 'Customer_Id__c'),
    column('first_name', 'string', 'FirstName', true),
    column('last_name', 'string', 'LastName', true),
    column('email', 'string', 'Email', true),
    column('company', 'string', 'Company'),
    column('status', 'string', 'Status'),
    column('lead_source', 'string', 'LeadSource'),
    column('is_active', 'boolean', 'Active__c'),
    column('is_converted', 'boolean', 'IsConverted'),
    column('last_modified_at', 'timestamp', 'LastModifiedDate'),
  ]),
  opportunity: stream('opportunity', 'Opportunity', [
    column('account_id', 'string', 'AccountId'),
    column('name', 'string', 'Name'),
    column('stage_name', 'string', 'StageName'),
    column('amount', 'number', 'Amount'),
    column('probability', 'number', 'Probability'),
    column('close_date', 'date', 'CloseDate'),
    column('campaign_id', 'string', 'CampaignId'),
    column('last_modified_at', 'timestamp', 'LastModifiedDate'),
  ]),
  campaign_member: stream('campaign_member', 'CampaignMember', [
    column('campaign_id', 'string', 'CampaignId'),
    column('contact_id', 'string', 'ContactId'),
    column('lead_id', 'string', 'LeadId'),
    column('status', 'string', 'Status'),
    column('has_responded', 'boolean', 'HasResponded'),
    column('first_responded_date', 'date', 'FirstRespondedDate'),
    column('last_modified_at', 'timestamp', 'LastModifiedDate'),
  ]),
  // No personal data: a campaign is the marketing team's own record.
  campaign: stream('campaign', 'Campaign', [
    column('name', 'string', 'Name'),
    column('type', 'string', 'Type'),
    column('status', 'string', 'Status'),
    // Not `is_active`: that name is a person's consent flag (contacts, leads), which withholds the row when false.
    column('campaign_active', 'boolean', 'IsActive'),
    column('start_date', 'date', 'StartDate'),
    column('end_date', 'date', 'EndDate'),
    column('budgeted_cost', 'number', 'BudgetedCost'),
    column('actual_cost', 'number', 'ActualCost'),
    column('expected_revenue', 'number', 'ExpectedRevenue'),
    column('parent_id', 'string', 'ParentId'),
    column('last_modified_at', 'timestamp', 'LastModifiedDate'),
  ]),
  /**
   * A company, but a sole trader's (or a Person Account's) phone is a person's: Phone is personal, as
   * every field describe types `phone` is (describe.ts). The billing address is read as city and
   * country only, which place a company without locating a person; street and postcode are not read.
   */
  account: stream('account', 'Account', [
    column('name', 'string', 'Name'),
    column('type', 'string', 'Type'),
    column('industry', 'string', 'Industry'),
    column('phone', 'string', 'Phone', true),
    column('website', 'string', 'Website'),
    column('billing_city', 'string', 'BillingCity'),
    column('billing_country', 'string', 'BillingCountry'),
    column('annual_revenue', 'number', 'AnnualRevenue'),
    column('number_of_employees', 'integer', 'NumberOfEmployees'),
    column('last_modified_at', 'timestamp', 'LastModifiedDate'),
  ]),
};

export const salesforceAuthSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('oauth-password'),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    username: z.string().min(1),
    password: z.string().min(1),
  }),
  z.object({ type: z.literal('access-token'), accessToken: z.string().min(1) }),
]);

const fieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, 'must be a Salesforce field API name, e.g. Email or Tier__c');

/** What a connector reads of one object; everything left out is discovered from the org's describe. */
export const salesforceObjectSettingsSchema = z.object({
  /** The fields read (key, cursor and deletion fields always are); left out: every field the org has. */
  fields: z.array(fieldName).min(1).max(800).optional(),
  /** The field that identifies a customer; left out: the object's External ID field, else Id (contacts and leads). */
  customerIdField: fieldName.optional(),
  /**
   * Only records whose `field` equals `equals` are marketed to; others are quarantined. Null: no
   * such rule. Left out, contacts and leads keep the rule Active__c = true where the org has Active__c.
   */
  activeRule: z
    .object({ field: fieldName, equals: z.union([z.boolean(), z.string().max(255)]) })
    .nullable()
    .optional(),
});
export type SalesforceObjectSettings = z.infer<typeof salesforceObjectSettingsSchema>;

export const salesforceSourceSchema = z.object({
  kind: z.literal('salesforce'),
  /** Login URL (OAuth) or instance URL (access token), e.g. https://login.salesforce.com */
  loginUrl: httpUrlSchema,
  auth: salesforceAuthSchema,
  apiVersion: z
    .string()
    .regex(/^\d{2}\.0$/, 'must look like 59.0')
    .default('59.0'),
  streams: streamChoice(SALESFORCE_STREAM_NAMES),
  /** Per stream: its fields, customer-id field and active rule (see salesforceObjectSettingsSchema). */
  objects: z
    .object({
      contact: salesforceObjectSettingsSchema.optional(),
      lead: salesforceObjectSettingsSchema.optional(),
      opportunity: salesforceObjectSettingsSchema.optional(),
      campaign_member: salesforceObjectSettingsSchema.optional(),
      campaign: salesforceObjectSettingsSchema.optional(),
      account: salesforceObjectSettingsSchema.optional(),
    } satisfies Record<SalesforceStreamName, z.ZodType>)
    .strict()
    .default({}),
  /** The share of the org's daily API quota this connector may use before it defers to the next run. */
  apiQuotaShare: z.number().gt(0).max(1).default(0.9),
  /**
   * Records above which a read (a backfill, a large extract) goes through Bulk API 2.0 query jobs
   * instead of REST pages of 2,000: a read whose first REST page reports a larger totalSize
   * continues in a bulk job. Deletions arrive in both (queryAll).
   */
  bulkThreshold: z.number().int().min(0).default(50_000),
  batchSize: batchSizeSchema,
  /**
   * Customer IDs cutting contacts and leads into ranges read in parallel (FR-1: partitioned by
   * customer ID), ascending; none: one read per stream.
   */
  customerIdBoundaries: z
    .array(z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a customer ID: letters, digits, - and _'))
    .max(15)
    .refine((b) => b.every((value, i) => i === 0 || (b[i - 1] ?? '') < value), 'must be in ascending order without repeats')
    .default([]),
});
export type SalesforceSourceConfig = z.infer<typeof salesforceSourceSchema>;

/** FR-1: a cycle every 15 minutes within 150 requests per minute. */
export const salesforceDefinition = {
  kind: 'salesforce',
  title: 'Salesforce',
  config: salesforceSourceSchema,
  streams: salesforceStreams,
  suites: {
    contact: contactSuite,
    lead: leadSuite,
    opportunity: opportunitySuite,
    campaign_member: campaignMemberSuite,
    campaign: campaignSuite,
    account: accountSuite,
  },
  rateLimit: { requests: 150, perSeconds: 60 },
  defaultSchedule: '15m',
} satisfies SourceDefinition<'salesforce', SalesforceStreamName>;
