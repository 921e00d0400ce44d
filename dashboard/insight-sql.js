/**
 * The SQL of the Insights page's campaign, content and sentiment panes: aggregates over the models
 * that every destination's SQL reads alike. A plain module, so the tests run the statements the page
 * sends on each destination (test/models/segment-queries.test.ts).
 */

/** Each campaign's totals over its days, and its reach: distinct people, never a sum of daily reach. */
export const campaignsQuery = (place) =>
  `SELECT p.campaign_id, max(p.campaign_name) AS campaign_name, sum(p.members_added) AS members, sum(p.emails_delivered) AS delivered, sum(p.emails_opened) AS opened,
                sum(p.emails_clicked) AS clicked, sum(p.tickets_of_reached) AS tickets, sum(p.opportunities_won) AS won, sum(p.amount_won) AS amount_won,
                (SELECT count(DISTINCT t.customer_key) FROM ${place.table('customer_touchpoint')} t WHERE t.campaign_id = p.campaign_id) AS reach
           FROM ${place.table('campaign_performance')} p GROUP BY p.campaign_id ORDER BY delivered DESC NULLS LAST LIMIT 50`;

/** The campaigns a segment can be of (those with touchpoints), each with its name where the campaign stream has one. */
export const campaignChoicesQuery = (place) =>
  `SELECT c.campaign_id,
                (SELECT max(p.campaign_name) FROM ${place.table('campaign_performance')} p WHERE p.campaign_id = c.campaign_id) AS campaign_name
           FROM (SELECT DISTINCT campaign_id FROM ${place.table('customer_touchpoint')} WHERE campaign_id IS NOT NULL ORDER BY campaign_id LIMIT 500) c
          ORDER BY c.campaign_id`;

/** The 20 most viewed pieces of content: views add up over days; the non-additive GA4 figures are left out. */
export const contentQuery = (place) =>
  `SELECT content_id, max(title) AS title, max(content_type) AS content_type, sum(views) AS views, count(*) AS days,
                max(day) AS last_day
           FROM ${place.table('content_performance')} GROUP BY content_id ORDER BY views DESC NULLS LAST LIMIT 20`;

/** Brand sentiment per day: the score weighted by mentions across sources. */
export const sentimentQuery = (place) =>
  `SELECT day, sum(positive) AS positive, sum(neutral) AS neutral, sum(negative) AS negative,
                sum(avg_sentiment_score * mentions) / nullif(sum(mentions), 0) AS score
           FROM ${place.table('brand_sentiment_daily')} GROUP BY day ORDER BY day`;
