/**
 * The SQL the segmentation pane and a customer's timeline run (text and bound values), written for
 * the destination's dialect: every destination reads its own models, and what they disagree on is
 * here, once. A plain module with no browser import, so the tests run the very statements the page
 * sends.
 */

/** Destinations whose driver numbers its placeholders ($1, $2…); the others take ? in order. */
const NUMBERED_PLACEHOLDERS = new Set(['postgres', 'redshift']);

/**
 * A statement's bound values: `bind` keeps a value and returns the placeholder that stands for it.
 * Values never become SQL text, so a quote or a backslash in one is only a character on every
 * destination (GoogleSQL, for one, reads a doubled quote as two literals).
 */
export function boundValues(kind) {
  const params = [];
  return {
    params,
    bind(value) {
      params.push(value);
      return NUMBERED_PLACEHOLDERS.has(kind) ? `$${params.length}` : '?';
    },
  };
}

/** A number for SQL, or the fallback when the input is not one. */
export const numeric = (value, fallback) => (Number.isFinite(Number(value)) && value !== '' ? Number(value) : fallback);

/**
 * The instant `days` whole days ago. GoogleSQL has no INTERVAL '1 day' (its intervals are
 * INTERVAL n DAY); the others all take an interval literal with its unit inside.
 */
export function daysAgo(kind, days) {
  const whole = Math.max(0, Math.floor(days));
  return kind === 'bigquery' ? `CURRENT_TIMESTAMP() - INTERVAL ${whole} DAY` : `current_timestamp - INTERVAL '${whole} days'`;
}

export const SEGMENT_SOURCES = ['salesforce', 'sendgrid', 'zendesk'];

/** The WHERE clause of a segment: every condition from the form, values bound (`values` from boundValues). */
export function segmentWhere(filter, place, values) {
  const where = [];
  if (filter.campaign)
    where.push(
      `c.customer_key IN (SELECT t.customer_key FROM ${place.table('customer_touchpoint')} t WHERE t.campaign_id = ${values.bind(filter.campaign)})`,
    );
  if (filter.minOpened !== '') where.push(`c.emails_opened >= ${numeric(filter.minOpened, 0)}`);
  if (filter.minClicked !== '') where.push(`c.emails_clicked >= ${numeric(filter.minClicked, 0)}`);
  if (filter.sentiment === 'negative') where.push('c.avg_ticket_sentiment < 0');
  if (filter.sentiment === 'positive') where.push('c.avg_ticket_sentiment > 0');
  if (filter.sentiment === 'none') where.push('c.avg_ticket_sentiment IS NULL');
  if (SEGMENT_SOURCES.includes(filter.source)) where.push(`c.sources LIKE ${values.bind(`%${filter.source}%`)}`);
  if (filter.activeDays !== '') where.push(`c.last_activity_at >= ${daysAgo(place.kind, numeric(filter.activeDays, 30))}`);
  return where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
}

/** The segment's size, and its `size` most recently active people: each a statement and its bound values. */
export function segmentQueries(place, filter, size) {
  const values = boundValues(place.kind);
  const where = segmentWhere(filter, place, values);
  return {
    count: { sql: `SELECT count(*) AS people FROM ${place.table('customer')} c ${where}`, params: values.params },
    people: {
      sql: `SELECT c.customer_key, c.first_name, c.last_name, c.company, c.sources, c.emails_opened, c.emails_clicked, c.tickets,
                  c.avg_ticket_sentiment, c.last_activity_at
             FROM ${place.table('customer')} c ${where} ORDER BY c.last_activity_at DESC NULLS LAST, c.customer_key LIMIT ${size}`,
      params: values.params,
    },
  };
}

/** A customer's row and timeline (newest first), by customer key. */
export function timelineQueries(place, customerKey) {
  const values = boundValues(place.kind);
  const key = values.bind(customerKey);
  return {
    customer: { sql: `SELECT * FROM ${place.table('customer')} WHERE customer_key = ${key}`, params: values.params },
    touchpoints: {
      sql: `SELECT occurred_at, kind, action, campaign_id, sentiment_score, amount, source_table, source_key
             FROM ${place.table('customer_touchpoint')} WHERE customer_key = ${key} ORDER BY occurred_at DESC LIMIT 1000`,
      params: values.params,
    },
  };
}
