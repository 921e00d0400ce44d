/**
 * The dashboard's Insights page on every destination: the statements it sends (dashboard/segment-sql.js
 * for the segmentation pane and drill-through, dashboard/insight-sql.js for the other panes), checked
 * as POST /api/v1/warehouse/query checks them and run as it runs them, on the customer models built
 * from the demo-like rows — with a campaign whose id holds a quote and a backslash, and the "active
 * in the last N days" filter.
 */
import { refreshModels } from '../../activities/models/refresh';
import { runLiveQuery } from '../../activities/warehouses/live-query';
import { statementReads } from '../../activities/warehouses/statement-reads';
import { landRows, landScenario } from './fixtures';
import { useModelTargets, useOpenedWarehouse } from './targets';

interface Statement {
  sql: string;
  params: (string | number)[];
}
interface Place {
  kind: string;
  table(name: string): string;
}
type Filter = Record<'campaign' | 'minOpened' | 'minClicked' | 'sentiment' | 'source' | 'activeDays', string>;
interface SegmentSql {
  segmentQueries(place: Place, filter: Filter, size: number): { count: Statement; people: Statement };
  timelineQueries(place: Place, customerKey: string): { customer: Statement; touchpoints: Statement };
}

interface InsightSql {
  campaignChoicesQuery(place: Place): string;
  campaignsQuery(place: Place): string;
  contentQuery(place: Place): string;
  sentimentQuery(place: Place): string;
}

// The browser modules themselves, compiled for the test runner (jest.config.js).
const { segmentQueries, timelineQueries } = jest.requireActual<SegmentSql>('../../dashboard/segment-sql.js');
const { campaignChoicesQuery, campaignsQuery, contentQuery, sentimentQuery } =
  jest.requireActual<InsightSql>('../../dashboard/insight-sql.js');

/** A campaign id as a user could have typed it in Salesforce: a quote and a backslash. */
const QUOTED_CAMPAIGN = "701'Q\\R";
const NO_FILTER: Filter = { campaign: '', minOpened: '', minClicked: '', sentiment: '', source: '', activeDays: '' };

const { targets, dir } = useModelTargets();

describe.each(targets)('the Insights page on $kind', (target) => {
  const at = useOpenedWarehouse(target, dir);

  /** The page's statement as the query endpoint takes it: parsed for the tables it reads, then run read-only. */
  async function run({ sql, params }: Statement): Promise<Record<string, unknown>[]> {
    const reads = await statementReads(sql);
    expect(reads).toMatchObject({ ok: true });
    const result = await runLiveQuery(at.warehouse, sql, { maxRows: 1000, timeoutMs: 30_000 }, params);
    return result.rows;
  }

  test('segments by a campaign whose id holds a quote and by recent activity, drills through to a timeline, and shows each pane', async () => {
    await landScenario(at.warehouse, dir());
    await landRows(at.warehouse, dir(), 'salesforce', 'campaign_member', [
      {
        id: '00vQ',
        created_at: '2026-03-04T08:00:00.000Z',
        system_modstamp: '2026-03-04T08:00:00.000Z',
        is_deleted: false,
        campaign_id: QUOTED_CAMPAIGN,
        contact_id: '003C',
        lead_id: null,
        status: 'Sent',
        last_modified_at: '2026-03-04T08:00:00.000Z',
      },
    ]);
    await refreshModels(at.warehouse);
    const { kind, schema } = at.destination as { kind: string; schema: string };
    const place: Place = { kind, table: (name) => `${schema}.${name}` };
    const keys = (rows: Record<string, unknown>[]) => rows.map((row) => row.customer_key);

    const everyone = segmentQueries(place, NO_FILTER, 50);
    const [all] = await run(everyone.count);
    expect(Number(all?.people)).toBeGreaterThan(1);

    const quoted = segmentQueries(place, { ...NO_FILTER, campaign: QUOTED_CAMPAIGN }, 50);
    expect(quoted.people.sql).not.toContain(QUOTED_CAMPAIGN);
    expect(keys(await run(quoted.people))).toEqual(['contact:003C']);
    expect(await run(quoted.count)).toEqual([{ people: expect.anything() }]);
    expect(Number((await run(quoted.count))[0]?.people)).toBe(1);

    // The rows are from March 2026: all active within ten years, none within the last day.
    const decade = segmentQueries(place, { ...NO_FILTER, activeDays: '3650', source: 'salesforce' }, 50);
    expect(Number((await run(decade.count))[0]?.people)).toBeGreaterThan(0);
    const lastDay = segmentQueries(place, { ...NO_FILTER, activeDays: '1', campaign: QUOTED_CAMPAIGN }, 50);
    expect(await run(lastDay.people)).toEqual([]);

    const timeline = timelineQueries(place, 'contact:003C');
    const [customer] = await run(timeline.customer);
    expect(customer?.customer_id).toBe('CUST-2');
    const touchpoints = await run(timeline.touchpoints);
    expect(touchpoints.map((t) => t.campaign_id)).toContain(QUOTED_CAMPAIGN);

    const nobody = timelineQueries(place, "o'brien\\");
    expect(await run(nobody.customer)).toEqual([]);

    // The Insights page's panes on the same models.
    const campaigns = await run({ sql: campaignsQuery(place), params: [] });
    expect(campaigns.find((row) => row.campaign_id === QUOTED_CAMPAIGN)).toMatchObject({ reach: expect.anything() });
    expect(Number(campaigns.find((row) => row.campaign_id === QUOTED_CAMPAIGN)?.reach)).toBe(1);
    expect(campaigns.find((row) => row.campaign_id === '701X')).toMatchObject({ campaign_name: 'Spring launch' });
    // The segment form's campaigns: by name where the campaign stream has one, by id alone where not.
    const choices = await run({ sql: campaignChoicesQuery(place), params: [] });
    expect(choices).toEqual(
      expect.arrayContaining([
        { campaign_id: '701X', campaign_name: 'Spring launch' },
        { campaign_id: QUOTED_CAMPAIGN, campaign_name: null },
      ]),
    );
    expect(await run({ sql: contentQuery(place), params: [] })).toEqual([]);
    expect(await run({ sql: sentimentQuery(place), params: [] })).toEqual([]);
  });
});
