/**
 * campaign_performance: per campaign and UTC day. Members count by the day they joined; emails by
 * the day of the event (the campaign as customer_touchpoint finds it); opportunities by the day they
 * were created, won ones and their amount by the close date (stage `Closed Won`).
 *
 * Unique reach is the distinct people delivered to that day: a customer counts once however many of
 * their addresses or CRM duplicates were mailed, and an address the CRM does not know counts as one
 * person. Events of an address the CRM holds for someone without consent count nowhere. It is a distinct count: a week's reach is not the sum of its days (count customer_key
 * distinct on customer_touchpoint instead). Tickets are those opened that day by customers the
 * campaign had reached by then, with their mean sentiment. A Salesforce campaign carries its name
 * (from the campaign stream); a SendGrid campaign, or one whose record is not loaded, has none.
 */
import { customerEmails, emailCampaign, emailCampaignLineage, emailEventColumns } from './customer-touchpoint';
import { col, countWhere, normalisedEmail, type ModelDefinition } from './types';

const WON = "'Closed Won'";

export const campaignPerformanceModel: ModelDefinition = {
  name: 'campaign_performance',
  description:
    'Per campaign and day: its name, members, emails delivered/opened/clicked, unique reach, tickets and sentiment of reached customers, opportunities and amount won.',
  grain: 'one campaign on one UTC day',
  primaryKey: ['campaign_id', 'day'],
  reads: [
    'customer_identity',
    'salesforce_contact',
    'salesforce_lead',
    'salesforce_campaign_member',
    'salesforce_campaign',
    'salesforce_opportunity',
    'sendgrid_events',
    'zendesk_tickets',
  ],
  columns: [
    col('campaign_id', 'string', 'none', 'the Salesforce campaign (or the SendGrid campaign of mail sent for none)', [
      'salesforce_campaign_member.campaign_id',
      'salesforce_opportunity.campaign_id',
      ...emailCampaignLineage,
    ]),
    col('campaign_name', 'string', 'none', "the Salesforce campaign's name (none for a SendGrid campaign, or one not loaded)", [
      'salesforce_campaign.name',
    ]),
    col('day', 'date', 'none', 'the UTC day', [
      'salesforce_campaign_member.created_at',
      'sendgrid_events.event_time',
      'zendesk_tickets.created_at',
      'salesforce_opportunity.created_at',
      'salesforce_opportunity.close_date',
    ]),
    col('members_added', 'integer', 'sum', 'campaign members who joined that day', ['salesforce_campaign_member.id']),
    ...emailEventColumns,
    col('unique_reach', 'integer', 'none', 'distinct people delivered to that day (a distinct count: never summed over days)', [
      'sendgrid_events.email',
      'customer_identity.customer_key',
    ]),
    col('tickets_of_reached', 'integer', 'sum', 'tickets opened that day by customers the campaign had reached', [
      'zendesk_tickets.id',
      'zendesk_tickets.requester_email',
    ]),
    col('avg_ticket_sentiment', 'number', 'none', 'their mean sentiment, -1 to 1', ['zendesk_tickets.sentiment_score']),
    col('opportunities_created', 'integer', 'sum', 'opportunities of the campaign created that day', ['salesforce_opportunity.id']),
    col('opportunities_won', 'integer', 'sum', 'opportunities of the campaign closed won that day', [
      'salesforce_opportunity.stage_name',
      'salesforce_opportunity.close_date',
    ]),
    col('amount_won', 'number', 'sum', 'their amount', ['salesforce_opportunity.amount']),
  ],
  select: (d) => {
    // Each kind of fact is aggregated apart, zero elsewhere, then the days are put together.
    const zeros = (n: number): string => Array.from({ length: n }, () => '0').join(', ');
    return `
    WITH customer_email AS (${customerEmails(d)}),
    withheld AS (
      SELECT DISTINCT email FROM (
        SELECT ${normalisedEmail('email')} AS email FROM ${d.table('salesforce_contact')}
        UNION ALL SELECT ${normalisedEmail('email')} FROM ${d.table('salesforce_lead')}
      ) crm WHERE email IS NOT NULL AND email NOT IN (SELECT email FROM customer_email)
    ),
    email_event AS (
      SELECT ${emailCampaign(d, 'e')} AS campaign_id, ${d.utcDate('e.event_time')} AS day, e.event, ce.customer_key,
             COALESCE(ce.customer_key, 'email:' || ${normalisedEmail('e.email')}) AS person_key
      FROM ${d.table('sendgrid_events')} e
      LEFT JOIN customer_email ce ON ce.email = ${normalisedEmail('e.email')}
      LEFT JOIN withheld w ON w.email = ${normalisedEmail('e.email')}
      WHERE w.email IS NULL
    ),
    reached AS (
      SELECT campaign_id, customer_key, MIN(day) AS first_day FROM email_event
      WHERE event = 'delivered' AND customer_key IS NOT NULL AND campaign_id IS NOT NULL GROUP BY campaign_id, customer_key
    ),
    ticket AS (
      SELECT ce.customer_key, ${d.utcDate('t.created_at')} AS day, t.sentiment_score
      FROM ${d.table('zendesk_tickets')} t JOIN customer_email ce ON ce.email = ${normalisedEmail('t.requester_email')}
      WHERE NOT COALESCE(t.is_deleted, FALSE)
    ),
    fact AS (
      SELECT campaign_id, ${d.utcDate('created_at')} AS day, COUNT(*) AS members, 0 AS delivered, 0 AS opened, 0 AS clicked,
             0 AS reach, 0 AS tickets, 0.0 AS sentiment_sum, 0 AS scored, 0 AS created, 0 AS won, 0.0 AS amount_won
      FROM ${d.table('salesforce_campaign_member')} WHERE campaign_id IS NOT NULL AND NOT COALESCE(is_deleted, FALSE)
      GROUP BY campaign_id, ${d.utcDate('created_at')}
      UNION ALL
      SELECT campaign_id, day, 0,
             ${countWhere("event = 'delivered'")}, ${countWhere("event = 'open'")}, ${countWhere("event = 'click'")},
             COUNT(DISTINCT CASE WHEN event = 'delivered' THEN person_key END),
             0, 0.0, ${zeros(3)}, 0.0
      FROM email_event WHERE campaign_id IS NOT NULL GROUP BY campaign_id, day
      UNION ALL
      SELECT r.campaign_id, t.day, ${zeros(5)}, COUNT(*), COALESCE(SUM(t.sentiment_score), 0.0), COUNT(t.sentiment_score), 0, 0, 0.0
      FROM reached r JOIN ticket t ON t.customer_key = r.customer_key AND t.day >= r.first_day GROUP BY r.campaign_id, t.day
      UNION ALL
      SELECT campaign_id, ${d.utcDate('created_at')}, ${zeros(6)}, 0.0, 0, COUNT(*), 0, 0.0
      FROM ${d.table('salesforce_opportunity')} WHERE campaign_id IS NOT NULL AND NOT COALESCE(is_deleted, FALSE)
      GROUP BY campaign_id, ${d.utcDate('created_at')}
      UNION ALL
      SELECT campaign_id, close_date, ${zeros(6)}, 0.0, ${zeros(2)}, COUNT(*), SUM(COALESCE(amount, 0))
      FROM ${d.table('salesforce_opportunity')}
      WHERE campaign_id IS NOT NULL AND close_date IS NOT NULL AND stage_name = ${WON} AND NOT COALESCE(is_deleted, FALSE)
      GROUP BY campaign_id, close_date
    )
    SELECT f.campaign_id, c.name, f.day, SUM(f.members), SUM(f.delivered), SUM(f.opened), SUM(f.clicked), SUM(f.reach), SUM(f.tickets),
           CASE WHEN SUM(f.scored) > 0 THEN SUM(f.sentiment_sum) / SUM(f.scored) END, SUM(f.created), SUM(f.won), SUM(f.amount_won)
    FROM fact f
    LEFT JOIN ${d.table('salesforce_campaign')} c ON c.id = f.campaign_id AND NOT COALESCE(c.is_deleted, FALSE)
    WHERE f.day IS NOT NULL GROUP BY f.campaign_id, c.name, f.day`;
  },
};
