/**
 * Content performance and the generated LookML on every destination the models are built in:
 * GA4's page metrics joined by path and day without summing what does not add up, and the LookML's
 * tables and dimensions resolving against the models it describes.
 */
import { MODELS } from '../../activities/models';
import { lookmlView } from '../../activities/models/handoff/lookml';
import { refreshModels } from '../../activities/models/refresh';
import { landRows, landScenario } from './fixtures';
import { useModelTargets, useOpenedWarehouse } from './targets';

const { targets, dir } = useModelTargets();

describe.each(targets)('content performance and LookML on $kind', (target) => {
  const at = useOpenedWarehouse(target, dir);

  test("content performance joins GA4's page metrics by path and day, never summing active users across traffic sources", async () => {
    const view = (contentId: string, url: string, day: string) => ({
      id: `${contentId}:${day}`,
      content_id: contentId,
      title: contentId,
      url,
      content_type: 'article',
      day,
      views: 40,
      unique_visitors: 30,
      avg_time_on_page_seconds: 61.5,
      updated_at: `${day}T23:00:00.000Z`,
    });
    await landRows(at.warehouse, dir(), 'cms', 'content_views', [
      view('pricing', 'https://www.shop.example/pricing', '2026-03-02'),
      view('blog-a', '/blog/a', '2026-03-02'),
    ]);
    const ga4 = (path: string, source: string, sessions: number, users: number) => ({
      id: `2026-03-02|${source}|organic|${path}`,
      date: '2026-03-02',
      session_source: source,
      session_medium: 'organic',
      page_path: path,
      sessions,
      active_users: users,
      screen_page_views: sessions * 2,
      key_events: 1,
      read_at: '2026-03-03T06:00:00.000Z',
    });
    await landRows(at.warehouse, dir(), 'ga4', 'daily_metrics', [
      ga4('/pricing', 'google', 10, 8),
      ga4('/pricing', 'bing', 5, 4),
      ga4('/blog/a', 'google', 7, 6),
    ]);
    await refreshModels(at.warehouse);
    expect(
      await at.rows(
        `select content_id, page_path, views, unique_visitors, ga4_sessions, ga4_screen_page_views, ga4_key_events, ga4_active_users, ga4_traffic_sources
         from {content_performance} order by content_id`,
      ),
    ).toEqual([
      {
        content_id: 'blog-a',
        page_path: '/blog/a',
        views: 40,
        unique_visitors: 30,
        ga4_sessions: 7,
        ga4_screen_page_views: 14,
        ga4_key_events: 1,
        ga4_active_users: 6,
        ga4_traffic_sources: 1,
      },
      {
        content_id: 'pricing',
        page_path: '/pricing',
        views: 40,
        unique_visitors: 30,
        ga4_sessions: 15,
        ga4_screen_page_views: 30,
        ga4_key_events: 2,
        ga4_active_users: null,
        ga4_traffic_sources: 2,
      },
    ]);
  });

  test("the LookML views' tables and dimensions resolve in this warehouse", async () => {
    await landScenario(at.warehouse, dir());
    await refreshModels(at.warehouse);
    const target = { destination: at.destination.kind, schema: at.destination.schema, connection: 'test' };
    for (const model of MODELS) {
      const view = lookmlView(model, target);
      const table = /sql_table_name: (.*) ;;/.exec(view)?.[1] ?? '';
      const dimensions = [...view.matchAll(/sql: (.*\$\{TABLE\}.*) ;;/g)].map((m) => (m[1] ?? '').replaceAll('${TABLE}', 'v'));
      expect(dimensions.length).toBeGreaterThanOrEqual(model.columns.length);
      // Runs, or fails naming what it could not find (the brand and content models are empty here).
      await expect(at.warehouse.query(`select ${dimensions.join(', ')} from ${table} v`)).resolves.toBeInstanceOf(Array);
    }
  });
});
