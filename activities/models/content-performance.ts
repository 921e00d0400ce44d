/**
 * content_performance: each CMS content item per UTC day, with GA4's page metrics for its path that
 * day. GA4 reports a page per traffic source and medium; sessions, page views and key events add up
 * across those (a session has one source), active users do not (one user may come from two
 * sources), so active users are taken only where GA4 reported the page that day from a single
 * source, and left empty otherwise rather than summed. The CMS's unique visitors and average time
 * on page are daily, non-additive figures too: shown as they are, never summed.
 *
 * The content's path is its URL without scheme and host (`https://shop.example/blog/a` → `/blog/a`);
 * a relative URL is its own path.
 */
import type { QueryDialect } from '../warehouses/derived';
import { col, type ModelDefinition } from './types';

/** The path of a URL: what follows the host, or the URL itself when relative. */
const pathOf = (d: QueryDialect, url: string): string => {
  const slash = d.position("'/'", `SUBSTR(${url}, 9)`);
  return `CASE
      WHEN ${url} LIKE 'http%://%' THEN
        CASE WHEN ${slash} = 0 THEN '/' ELSE SUBSTR(${url}, ${slash} + 8) END
      ELSE ${url} END`;
};

export const contentPerformanceModel: ModelDefinition = {
  name: 'content_performance',
  description: "Each CMS content item per day with GA4's page metrics; non-additive metrics are never summed.",
  grain: 'one content item on one UTC day',
  primaryKey: ['content_id', 'day'],
  reads: ['cms_content_views', 'ga4_daily_metrics'],
  columns: [
    col('content_id', 'string', 'none', 'the CMS content item', ['cms_content_views.content_id']),
    col('day', 'date', 'none', 'the day', ['cms_content_views.day', 'ga4_daily_metrics.date']),
    col('title', 'string', 'none', 'its title', ['cms_content_views.title']),
    col('url', 'string', 'none', 'its URL', ['cms_content_views.url']),
    col('page_path', 'string', 'none', 'the URL path GA4 reports it under', ['cms_content_views.url']),
    col('content_type', 'string', 'none', 'article, landing page…', ['cms_content_views.content_type']),
    col('views', 'integer', 'sum', 'CMS views that day', ['cms_content_views.views']),
    col('unique_visitors', 'integer', 'none', 'CMS unique visitors that day (a daily distinct count: never summed)', [
      'cms_content_views.unique_visitors',
    ]),
    col('avg_time_on_page_seconds', 'number', 'none', 'CMS average time on page that day', ['cms_content_views.avg_time_on_page_seconds']),
    col('ga4_sessions', 'integer', 'sum', 'GA4 sessions on the path that day, all traffic sources', ['ga4_daily_metrics.sessions']),
    col('ga4_screen_page_views', 'integer', 'sum', 'GA4 views of the path that day', ['ga4_daily_metrics.screen_page_views']),
    col('ga4_key_events', 'number', 'sum', 'GA4 key events on the path that day', ['ga4_daily_metrics.key_events']),
    col('ga4_active_users', 'integer', 'none', 'GA4 active users, only where one traffic source brought them all (never summed)', [
      'ga4_daily_metrics.active_users',
    ]),
    col('ga4_traffic_sources', 'integer', 'none', 'source/medium pairs GA4 reported the path under that day', [
      'ga4_daily_metrics.session_source',
      'ga4_daily_metrics.session_medium',
    ]),
  ],
  select: (d) => `
    WITH ga4 AS (
      SELECT page_path, date AS day, SUM(sessions) AS sessions, SUM(screen_page_views) AS page_views, SUM(key_events) AS key_events,
             CASE WHEN COUNT(*) = 1 THEN MAX(active_users) END AS active_users, COUNT(*) AS traffic_sources
      FROM ${d.table('ga4_daily_metrics')} GROUP BY page_path, date
    ),
    cms AS (
      SELECT content_id, day, title, url, ${pathOf(d, 'url')} AS page_path, content_type, views, unique_visitors, avg_time_on_page_seconds,
             ROW_NUMBER() OVER (PARTITION BY content_id, day ORDER BY updated_at DESC NULLS LAST, id) AS latest
      FROM ${d.table('cms_content_views')} WHERE content_id IS NOT NULL AND day IS NOT NULL
    )
    SELECT c.content_id, c.day, c.title, c.url, c.page_path, c.content_type, c.views, c.unique_visitors, c.avg_time_on_page_seconds,
           g.sessions, g.page_views, g.key_events, g.active_users, g.traffic_sources
    FROM cms c LEFT JOIN ga4 g ON g.page_path = c.page_path AND g.day = c.day
    WHERE c.latest = 1`,
};
