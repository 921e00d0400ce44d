/**
 * Salesforce through the real cycle (real Temporal, the worker composition, jsforce against the
 * simulator, DuckDB): campaigns and accounts land in their tables from a stock org, and each stream's
 * describe is asked on the org's rate-limited queue and counted — in the run report, the audit's
 * figures and the rate windows — as the simulator's request log has it.
 */
import { salesforceSourceSchema } from '../../activities/sources/salesforce/definition';
import type { LoggedRequest } from '../../simulators/salesforce/gate';
import { startSalesforceSimulator } from '../../simulators/salesforce/server';
import { useSimulators } from '../support/fixture';
import { useCycleStack } from './cycle-stack';

const simulator = useSimulators(startSalesforceSimulator);
/** Clean records, none deleted: every record the org has is a row of its table. */
const NO_FLAWS = {
  'duplicate-customer-id': 0,
  'null-customer-id': 0,
  'null-email': 0,
  'null-last-name': 0,
  'misaligned-email': 0,
  'created-date-too-old': 0,
  'created-date-in-future': 0,
  inactive: 0,
  'probability-out-of-range': 0,
};

describe('Salesforce campaigns, accounts and describes through the real cycle', () => {
  const stack = useCycleStack('salesforce-streams');

  test('loads campaigns and accounts from a stock org, and counts each stream’s describe in the API calls a user sees', async () => {
    const sim = await simulator({ profile: 'stock', contacts: 40, flawRates: NO_FLAWS, deletedRate: 0 });
    const connector = await stack.create('Salesforce campaigns and accounts', {
      source: {
        ...salesforceSourceSchema.parse({ kind: 'salesforce', loginUrl: sim.url, auth: { type: 'oauth-password', ...sim.credentials } }),
        streams: ['campaign', 'account', 'contact'],
      },
      automationLevel: 'auto',
    });
    const report = await stack.runCycle(connector);
    expect(report.status).toBe('completed');

    const ids = async (table: string): Promise<string[]> =>
      (await stack.query(connector, `SELECT id FROM ${connector.schema}.${table} ORDER BY id`)).map((row) => String(row.id));
    expect(await ids('salesforce_campaign')).toEqual(sim.records('Campaign').map((record) => record.Id));
    expect(await ids('salesforce_account')).toEqual(sim.records('Account').map((record) => record.Id));
    const [first] = sim.records('Campaign');
    const [campaign] = await stack.query(
      connector,
      `SELECT name, budgeted_cost FROM ${connector.schema}.salesforce_campaign WHERE id = '${String(first?.Id)}'`,
    );
    expect(campaign).toEqual({ name: first?.Name, budgeted_cost: first?.BudgetedCost });

    // Every request the org answered (the login, a describe and the pages of each stream) is in the report.
    const answered = sim.requests().filter((request) => request.endpoint !== 'admin');
    const describes = answered.filter((request) => request.endpoint === 'describe').map((request) => request.path.split('/').at(-2));
    expect(describes.sort()).toEqual(['Account', 'Campaign', 'Contact']);
    const byObject = (object: string) => (request: LoggedRequest) =>
      request.path.split('/').at(-2) === object || (request.soql ?? '').includes(` FROM ${object} `);
    const apiCalls = Object.fromEntries(report.streams.map((stream) => [stream.stream, stream.apiCalls]));
    const logins = answered.filter((request) => request.endpoint === 'token').length;
    expect(logins).toBe(1);
    for (const [stream, object] of [
      ['campaign', 'Campaign'],
      ['account', 'Account'],
      ['contact', 'Contact'],
    ] as const) {
      // The one login counts in the stream whose describe the worker asked first.
      expect(apiCalls[stream] ?? 0).toBeGreaterThanOrEqual(answered.filter(byObject(object)).length);
      expect(apiCalls[stream] ?? 0).toBeLessThanOrEqual(answered.filter(byObject(object)).length + logins);
    }
    const total = report.streams.reduce((sum, stream) => sum + stream.apiCalls, 0);
    expect(total).toBe(answered.length);

    // The audit's figures of the run and the rate windows the usage alerts read agree.
    const audited = (await stack.store().audit.list(connector.id)).find((entry) => entry.activityType === 'cycle.completed');
    expect(audited?.metrics?.apiCalls).toBe(total);
    const counted = (await stack.store().apiUsage.list(connector.id)).filter((figure) => figure.scope === 'rate');
    expect(counted.reduce((sum, figure) => sum + figure.used, 0)).toBe(total);
  }, 90_000);

  test('a spent daily quota defers each stream at its describe: no page is read, and the refused describes count', async () => {
    const sim = await simulator({ profile: 'stock', contacts: 20 });
    sim.setQuota({ used: 15_000, max: 15_000 });
    const connector = await stack.create('Salesforce past its quota', {
      source: {
        ...salesforceSourceSchema.parse({ kind: 'salesforce', loginUrl: sim.url, auth: { type: 'oauth-password', ...sim.credentials } }),
        streams: ['campaign', 'account'],
      },
      automationLevel: 'auto',
    });
    const report = await stack.runCycle(connector);

    expect(report.status).toBe('deferred');
    expect(report.streams.map((stream) => [stream.stream, stream.outcome, stream.extracted])).toEqual([
      ['campaign', 'deferred', 0],
      ['account', 'deferred', 0],
    ]);
    expect(report.streams.every((stream) => stream.detail?.includes('REQUEST_LIMIT_EXCEEDED'))).toBe(true);
    const answered = sim.requests().filter((request) => request.endpoint !== 'admin');
    expect(answered.filter((request) => request.endpoint === 'describe').map((request) => request.status)).toEqual([403, 403]);
    expect(answered.filter((request) => request.endpoint === 'queryAll')).toEqual([]);
    expect(report.streams.reduce((sum, stream) => sum + stream.apiCalls, 0)).toBe(answered.length);
  }, 90_000);
});
