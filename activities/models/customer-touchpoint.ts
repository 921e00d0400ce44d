/**
 * customer_touchpoint: each customer's timeline. An email event or a ticket belongs to the customer
 * one of whose CRM records holds its address (normalised, as customer_identity does); a campaign
 * membership to the customer of its contact or lead; an opportunity to every customer with a contact
 * in its account. Events and tickets of an address no consenting customer holds are nobody's
 * touchpoint.
 *
 * An email event's campaign is the `campaign_id` custom argument the sender put on the message (the
 * Salesforce campaign it was sent for), else SendGrid's own marketing campaign id.
 */
import type { QueryDialect } from '../warehouses/derived';
import { col, normalisedEmail, type ModelDefinition, type SourceColumn } from './types';

/** The customer of each address: an address belongs to one customer (records sharing it are one person). */
export const customerEmails = (d: QueryDialect): string =>
  `SELECT DISTINCT customer_key, email FROM ${d.table('customer_identity')} WHERE email IS NOT NULL`;

/** The campaign an email event was sent for. */
export const emailCampaign = (d: QueryDialect, event: string): string =>
  `COALESCE(${d.jsonText(`${event}.custom_args`, 'campaign_id')}, ${event}.marketing_campaign_id)`;

/** The columns emailCampaign reads. */
export const emailCampaignLineage: readonly SourceColumn[] = ['sendgrid_events.custom_args', 'sendgrid_events.marketing_campaign_id'];

/** The source key of each kind of touchpoint: a touchpoint's id is made of it, and it is kept as source_key. */
const SOURCE_KEYS: readonly SourceColumn[] = [
  'sendgrid_events.sg_event_id',
  'zendesk_tickets.id',
  'salesforce_campaign_member.id',
  'salesforce_opportunity.id',
];

/** SendGrid's delivered, open and click events, counted: a customer's (customer) or a campaign's (campaign_performance). */
export const emailEventColumns = [
  col('emails_delivered', 'integer', 'sum', 'delivered events', ['sendgrid_events.event']),
  col('emails_opened', 'integer', 'sum', 'open events', ['sendgrid_events.event']),
  col('emails_clicked', 'integer', 'sum', 'click events', ['sendgrid_events.event']),
];

export const customerTouchpointModel: ModelDefinition = {
  name: 'customer_touchpoint',
  description: "Each customer's timeline: email events, support tickets with their sentiment, campaign memberships and opportunities.",
  grain: 'one email event, ticket, campaign membership, or opportunity of one customer',
  primaryKey: ['touchpoint_id'],
  reads: ['customer_identity', 'sendgrid_events', 'zendesk_tickets', 'salesforce_campaign_member', 'salesforce_opportunity'],
  columns: [
    col('touchpoint_id', 'string', 'none', '`<kind>:<source key>` (an opportunity also names the customer)', SOURCE_KEYS),
    col('customer_key', 'string', 'count_distinct', 'the customer (customer_identity.customer_key): count it distinct for reach', [
      'customer_identity.customer_key',
      'sendgrid_events.email',
      'zendesk_tickets.requester_email',
      'salesforce_campaign_member.contact_id',
      'salesforce_campaign_member.lead_id',
      'salesforce_opportunity.account_id',
    ]),
    col('occurred_at', 'timestamp', 'none', 'when it happened', [
      'sendgrid_events.event_time',
      'zendesk_tickets.created_at',
      'salesforce_campaign_member.created_at',
      'salesforce_opportunity.created_at',
    ]),
    col('touchpoint_date', 'date', 'none', 'the UTC day it happened'),
    col('kind', 'string', 'none', '`email`, `ticket`, `campaign_membership` or `opportunity`'),
    col(
      'action',
      'string',
      'none',
      "the event (delivered, open, click…), the ticket's status, the member's status, the opportunity's stage",
      ['sendgrid_events.event', 'zendesk_tickets.status', 'salesforce_campaign_member.status', 'salesforce_opportunity.stage_name'],
    ),
    col('campaign_id', 'string', 'none', 'the campaign, where there is one', [
      ...emailCampaignLineage,
      'salesforce_campaign_member.campaign_id',
      'salesforce_opportunity.campaign_id',
    ]),
    col('sentiment_score', 'number', 'none', "a ticket's sentiment, -1 to 1 (averaged, never summed)", ['zendesk_tickets.sentiment_score']),
    col('amount', 'number', 'none', "an opportunity's amount (repeated for each customer of the account: never summed here)", [
      'salesforce_opportunity.amount',
    ]),
    col('source_table', 'string', 'none', 'the stream table the touchpoint comes from'),
    col('source_key', 'string', 'none', 'its primary key there', SOURCE_KEYS),
  ],
  select: (d) => {
    const touch = (occurredAt: string): string => `${occurredAt}, ${d.utcDate(occurredAt)}`;
    return `
    WITH customer_email AS (${customerEmails(d)})
    SELECT 'email:' || e.sg_event_id, ce.customer_key, ${touch('e.event_time')}, 'email', e.event, ${emailCampaign(d, 'e')},
           ${d.cast('NULL', 'number')}, ${d.cast('NULL', 'number')}, 'sendgrid_events', e.sg_event_id
    FROM ${d.table('sendgrid_events')} e JOIN customer_email ce ON ce.email = ${normalisedEmail('e.email')}
    UNION ALL
    SELECT 'ticket:' || ${d.cast('t.id', 'string')}, ce.customer_key, ${touch('t.created_at')}, 'ticket', t.status, NULL,
           t.sentiment_score, NULL, 'zendesk_tickets', ${d.cast('t.id', 'string')}
    FROM ${d.table('zendesk_tickets')} t JOIN customer_email ce ON ce.email = ${normalisedEmail('t.requester_email')}
    WHERE NOT COALESCE(t.is_deleted, FALSE)
    UNION ALL
    SELECT 'campaign_membership:' || m.id, i.customer_key, ${touch('m.created_at')}, 'campaign_membership', m.status, m.campaign_id,
           NULL, NULL, 'salesforce_campaign_member', m.id
    FROM ${d.table('salesforce_campaign_member')} m
    JOIN ${d.table('customer_identity')} i
      ON i.record_key = CASE WHEN m.contact_id IS NOT NULL THEN 'contact:' || m.contact_id ELSE 'lead:' || m.lead_id END
    WHERE NOT COALESCE(m.is_deleted, FALSE)
    UNION ALL
    SELECT 'opportunity:' || o.id || ':' || a.customer_key, a.customer_key, ${touch('o.created_at')}, 'opportunity', o.stage_name,
           o.campaign_id, NULL, o.amount, 'salesforce_opportunity', o.id
    FROM ${d.table('salesforce_opportunity')} o
    JOIN (SELECT DISTINCT customer_key, account_id FROM ${d.table('customer_identity')} WHERE account_id IS NOT NULL) a
      ON a.account_id = o.account_id
    WHERE NOT COALESCE(o.is_deleted, FALSE)`;
  },
};
