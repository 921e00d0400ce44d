/**
 * customer_identity: which person each Salesforce contact and lead is — the identity stitching
 * every other person-level model builds on, one row per CRM record of a customer, its source keys
 * kept.
 *
 * The rules, in order:
 * 1. A record is a contact or lead not deleted at the source. Its email is normalised (trimmed,
 *    lower case; empty is none) and its customer id (the customer-id field the connector is
 *    configured with: by default the object's External ID field, else its Id) trimmed.
 * 2. Two records are the same person when they share a customer id or a normalised email, and so
 *    on transitively (up to ten links apart): a contact with customer id C1 and email a@x, a lead
 *    with email a@x, and a contact with customer id C1 and email b@x are one person.
 * 3. The person's key (`customer_key`) is the smallest record key among its records (contacts,
 *    `contact:<Id>`, sort before leads, `lead:<Id>`): stable while that record exists, and it names
 *    no one.
 * 4. A person of whom any record withholds consent (it does not meet the active rule its connector
 *    is configured with — by default Active__c = true where the org has the field — or opted out of
 *    email) is left out entirely, with every record and address of theirs. (The load already keeps
 *    such records out of the stream tables; the model holds the rule again, so it never depends on
 *    how a row arrived, and a changed rule holds at the next refresh.)
 */
import type { ActiveRule } from '../../domain/streams/types';
import { quoteLiteral } from '../warehouses/sql';
import { col, normalisedEmail, type ModelDefinition, type SourceColumn } from './types';

/** The lineage of a field both CRM records carry: the contact's and the lead's column of each name, in that order. */
export const ofContactAndLead = (...columns: readonly string[]): SourceColumn[] =>
  columns.flatMap((column): SourceColumn[] => [`salesforce_contact.${column}`, `salesforce_lead.${column}`]);

/**
 * How many links apart two records of one person may be: each step hands every record the smallest
 * key among its linked records' labels, so after this many steps every record of a chain up to this
 * long holds its person's smallest key. (A recursive query would need no bound, but Snowflake,
 * BigQuery and Redshift recurse with UNION ALL only, which never ends on linked records.)
 */
const LINKS = 10;

const smallerLabel = (step: number): string =>
  `label_${step} AS (SELECT s.record_key, MIN(l.label) AS label FROM same_person s JOIN label_${step - 1} l ON l.record_key = s.other_key GROUP BY s.record_key)`;

/** A record's consent: it meets each of its table's active rules (a record without the value does not), and did not opt out. */
function consenting(rules: readonly ActiveRule[] | undefined, optedOut: string | null): string {
  const value = (equals: boolean | string): string => (typeof equals === 'boolean' ? String(equals).toUpperCase() : quoteLiteral(equals));
  const conditions = [
    ...(rules ?? []).map((rule) => `COALESCE(${rule.column} = ${value(rule.equals)}, FALSE)`),
    ...(optedOut ? [`NOT COALESCE(${optedOut}, FALSE)`] : []),
  ];
  return conditions.length > 0 ? `(${conditions.join(' AND ')})` : 'TRUE';
}

export const customerIdentityModel: ModelDefinition = {
  name: 'customer_identity',
  description:
    'Which customer each Salesforce contact and lead is: the identity stitching, one row per CRM record of a consenting customer.',
  grain: 'one Salesforce contact or lead',
  primaryKey: ['record_key'],
  reads: ['salesforce_contact', 'salesforce_lead'],
  columns: [
    col('record_key', 'string', 'none', '`contact:<Id>` or `lead:<Id>`', ofContactAndLead('id')),
    col(
      'customer_key',
      'string',
      'count_distinct',
      'the customer the record belongs to (the smallest record key among its records)',
      ofContactAndLead('id', 'customer_id', 'email'),
    ),
    col('record_kind', 'string', 'none', '`contact` or `lead`'),
    col('record_id', 'string', 'none', 'the Salesforce Id', ofContactAndLead('id')),
    col('customer_id', 'string', 'none', 'the customer-id field, trimmed', ofContactAndLead('customer_id')),
    col('email', 'string', 'none', 'the email, normalised', ofContactAndLead('email'), true),
    col('account_id', 'string', 'none', "the contact's account (none for a lead)", ['salesforce_contact.account_id']),
    col('modified_at', 'timestamp', 'none', 'when the record last changed', ofContactAndLead('last_modified_at', 'system_modstamp')),
    col('created_at', 'timestamp', 'none', 'when the record was created', ofContactAndLead('created_at')),
  ],
  select: (d, { activeRules }) => `
    WITH crm_record AS (
      SELECT 'contact:' || id AS record_key, 'contact' AS record_kind, id AS record_id,
             NULLIF(TRIM(customer_id), '') AS customer_id, ${normalisedEmail('email')} AS email, account_id,
             COALESCE(last_modified_at, system_modstamp) AS modified_at, created_at,
             ${consenting(activeRules['salesforce_contact'], 'has_opted_out_of_email')} AS consents
      FROM ${d.table('salesforce_contact')} WHERE NOT COALESCE(is_deleted, FALSE)
      UNION ALL
      SELECT 'lead:' || id, 'lead', id, NULLIF(TRIM(customer_id), ''), ${normalisedEmail('email')}, NULL,
             COALESCE(last_modified_at, system_modstamp), created_at, ${consenting(activeRules['salesforce_lead'], null)}
      FROM ${d.table('salesforce_lead')} WHERE NOT COALESCE(is_deleted, FALSE)
    ),
    link AS (
      SELECT a.record_key, b.record_key AS other_key FROM crm_record a
      JOIN crm_record b ON a.customer_id = b.customer_id AND a.record_key <> b.record_key
      UNION ALL
      SELECT a.record_key, b.record_key FROM crm_record a JOIN crm_record b ON a.email = b.email AND a.record_key <> b.record_key
    ),
    -- Only records linked to another are labelled step by step: a record linked to none is a person
    -- of its own (most are), and ten rounds over every record were most of a large refresh's time.
    linked AS (SELECT DISTINCT record_key FROM link),
    same_person AS (SELECT record_key, record_key AS other_key FROM linked UNION ALL SELECT record_key, other_key FROM link),
    label_0 AS (SELECT record_key, record_key AS label FROM linked),
    ${Array.from({ length: LINKS }, (_, i) => smallerLabel(i + 1)).join(',\n    ')},
    person AS (
      SELECT record_key, label AS customer_key FROM label_${LINKS}
      UNION ALL
      SELECT c.record_key, c.record_key FROM crm_record c LEFT JOIN linked l ON l.record_key = c.record_key WHERE l.record_key IS NULL
    ),
    consenting_person AS (
      SELECT p.customer_key FROM person p JOIN crm_record c ON c.record_key = p.record_key
      GROUP BY p.customer_key HAVING MIN(CASE WHEN c.consents THEN 1 ELSE 0 END) = 1
    )
    SELECT c.record_key, p.customer_key, c.record_kind, c.record_id, c.customer_id, c.email, c.account_id, c.modified_at, c.created_at
    FROM crm_record c
    JOIN person p ON p.record_key = c.record_key
    JOIN consenting_person k ON k.customer_key = p.customer_key`,
};
