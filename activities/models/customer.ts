/**
 * customer: one row per person (customer_identity says who is whom). Where the person's records
 * disagree, the golden record wins: contacts before leads, then the most recently modified, then the
 * smallest Salesforce Id. Its names, title, country and lead source are the customer's; its customer
 * id and email too, or else the smallest of the person's. Every source key is kept: the contact and
 * lead Ids, customer ids and addresses merged into the customer.
 */
import { ofContactAndLead } from './customer-identity';
import { emailEventColumns } from './customer-touchpoint';
import { col, countWhere, type ModelDefinition } from './types';

export const customerModel: ModelDefinition = {
  name: 'customer',
  description: 'One row per person, identity stitched across Salesforce, SendGrid and Zendesk, with their engagement.',
  grain: 'one person',
  primaryKey: ['customer_key'],
  reads: ['customer_identity', 'customer_touchpoint', 'salesforce_contact', 'salesforce_lead'],
  columns: [
    col('customer_key', 'string', 'count_distinct', 'the person (see customer_identity)', ['customer_identity.customer_key']),
    col(
      'customer_id',
      'string',
      'none',
      "the golden record's customer id, else the smallest of the person's",
      ofContactAndLead('customer_id'),
    ),
    col(
      'email',
      'string',
      'none',
      "the golden record's email, else the smallest of the person's (normalised)",
      ofContactAndLead('email'),
      true,
    ),
    col('first_name', 'string', 'none', "the golden record's", ofContactAndLead('first_name'), true),
    col('last_name', 'string', 'none', "the golden record's", ofContactAndLead('last_name'), true),
    col('title', 'string', 'none', "the golden contact's title", ['salesforce_contact.title']),
    col('company', 'string', 'none', "the golden lead's company", ['salesforce_lead.company']),
    col('country', 'string', 'none', "the golden contact's mailing country", ['salesforce_contact.mailing_country']),
    col('lead_source', 'string', 'none', "the golden record's lead source", ofContactAndLead('lead_source')),
    col(
      'sources',
      'string',
      'none',
      'the sources that know the person: salesforce, and sendgrid and zendesk where they have events or tickets',
    ),
    col('salesforce_contact_ids', 'string', 'none', 'every contact Id merged into the person', ['salesforce_contact.id']),
    col('salesforce_lead_ids', 'string', 'none', 'every lead Id merged into the person', ['salesforce_lead.id']),
    col('customer_ids', 'string', 'none', 'every customer id of the person', ofContactAndLead('customer_id')),
    col('emails', 'string', 'none', 'every address of the person, normalised', ofContactAndLead('email'), true),
    col('crm_records', 'integer', 'sum', 'how many Salesforce records were merged into the person', ['customer_identity.record_key']),
    col('email_events', 'integer', 'sum', 'SendGrid events of the person', ['sendgrid_events.sg_event_id']),
    ...emailEventColumns,
    col('tickets', 'integer', 'sum', 'Zendesk tickets the person requested', ['zendesk_tickets.id']),
    col('avg_ticket_sentiment', 'number', 'none', 'the mean sentiment of their tickets, -1 to 1', ['zendesk_tickets.sentiment_score']),
    col('campaigns', 'integer', 'none', 'campaigns the person is a member of', ['salesforce_campaign_member.campaign_id']),
    col('first_seen_at', 'timestamp', 'none', 'the earliest CRM record or touchpoint', [
      ...ofContactAndLead('created_at'),
      'customer_touchpoint.occurred_at',
    ]),
    col('last_activity_at', 'timestamp', 'none', 'the latest touchpoint', ['customer_touchpoint.occurred_at']),
  ],
  select: (d) => `
    WITH crm AS (
      SELECT 'contact:' || id AS record_key, first_name, last_name, title, ${d.cast('NULL', 'string')} AS company, mailing_country AS country, lead_source
      FROM ${d.table('salesforce_contact')}
      UNION ALL
      SELECT 'lead:' || id, first_name, last_name, NULL, company, NULL, lead_source FROM ${d.table('salesforce_lead')}
    ),
    ranked AS (
      SELECT i.customer_key, i.customer_id, i.email, crm.first_name, crm.last_name, crm.title, crm.company, crm.country, crm.lead_source,
             ROW_NUMBER() OVER (
               PARTITION BY i.customer_key
               ORDER BY CASE WHEN i.record_kind = 'contact' THEN 0 ELSE 1 END, i.modified_at DESC NULLS LAST, i.record_id
             ) AS golden_rank
      FROM ${d.table('customer_identity')} i JOIN crm ON crm.record_key = i.record_key
    ),
    sized AS (
      SELECT customer_key, MIN(customer_id) AS customer_id, MIN(email) AS email, MIN(created_at) AS created_at, COUNT(*) AS crm_records,
             MIN(CASE WHEN record_kind = 'contact' THEN record_id END) AS contact_id,
             MIN(CASE WHEN record_kind = 'lead' THEN record_id END) AS lead_id
      FROM ${d.table('customer_identity')} GROUP BY customer_key
    ),
    -- Sorted lists only for a person of several records: a person of one record lists that
    -- record's values (sized). A sorted list per person is what held a million-contact refresh's
    -- memory, and most people are one record.
    lists AS (
      SELECT i.customer_key,
             ${d.listOf("CASE WHEN i.record_kind = 'contact' THEN i.record_id END")} AS contact_ids,
             ${d.listOf("CASE WHEN i.record_kind = 'lead' THEN i.record_id END")} AS lead_ids,
             ${d.listOf('i.customer_id')} AS customer_ids, ${d.listOf('i.email')} AS emails
      FROM ${d.table('customer_identity')} i JOIN sized s ON s.customer_key = i.customer_key AND s.crm_records > 1
      GROUP BY i.customer_key
    ),
    merged AS (
      SELECT s.customer_key, s.customer_id, s.email, s.created_at, s.crm_records,
             CASE WHEN s.crm_records = 1 THEN s.contact_id ELSE l.contact_ids END AS contact_ids,
             CASE WHEN s.crm_records = 1 THEN s.lead_id ELSE l.lead_ids END AS lead_ids,
             CASE WHEN s.crm_records = 1 THEN s.customer_id ELSE l.customer_ids END AS customer_ids,
             CASE WHEN s.crm_records = 1 THEN s.email ELSE l.emails END AS emails
      FROM sized s LEFT JOIN lists l ON l.customer_key = s.customer_key
    ),
    activity AS (
      SELECT customer_key,
             ${countWhere("kind = 'email'")} AS email_events,
             ${countWhere("kind = 'email' AND action = 'delivered'")} AS delivered,
             ${countWhere("kind = 'email' AND action = 'open'")} AS opened,
             ${countWhere("kind = 'email' AND action = 'click'")} AS clicked,
             ${countWhere("kind = 'ticket'")} AS tickets,
             AVG(CASE WHEN kind = 'ticket' THEN sentiment_score END) AS sentiment,
             COUNT(DISTINCT CASE WHEN kind = 'campaign_membership' THEN campaign_id END) AS campaigns,
             MIN(occurred_at) AS first_touch, MAX(occurred_at) AS last_touch
      FROM ${d.table('customer_touchpoint')} GROUP BY customer_key
    )
    SELECT m.customer_key, COALESCE(g.customer_id, m.customer_id), COALESCE(g.email, m.email), g.first_name, g.last_name, g.title,
           g.company, g.country, g.lead_source,
           'salesforce' || CASE WHEN a.email_events > 0 THEN ', sendgrid' ELSE '' END || CASE WHEN a.tickets > 0 THEN ', zendesk' ELSE '' END,
           m.contact_ids, m.lead_ids, m.customer_ids, m.emails, m.crm_records,
           COALESCE(a.email_events, 0), COALESCE(a.delivered, 0), COALESCE(a.opened, 0), COALESCE(a.clicked, 0), COALESCE(a.tickets, 0),
           a.sentiment, COALESCE(a.campaigns, 0),
           CASE WHEN a.first_touch IS NULL OR m.created_at <= a.first_touch THEN m.created_at ELSE a.first_touch END, a.last_touch
    FROM merged m
    JOIN ranked g ON g.customer_key = m.customer_key AND g.golden_rank = 1
    LEFT JOIN activity a ON a.customer_key = m.customer_key`,
};
