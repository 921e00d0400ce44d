/**
 * A task queue per source account: two Salesforce orgs read at the same time each get their own
 * full rate budget, measured at each org's simulator, instead of sharing the source's one. Both
 * connectors are created after the workers started, so the workers must pick their queues up.
 */
import { salesforceSourceSchema } from '../../activities/sources/salesforce/definition';
import { accountTaskQueue } from '../../activities/sources/accounts';
import { connectorSettingsSchema } from '../../domain/connector';
import { queueRatePerSecond } from '../../domain/sources';
import { startSalesforceSimulator, type SalesforceSimulator } from '../../simulators/salesforce/server';
import { loadSettings } from '../../worker/settings';
import { ingestionCycle } from '../../workflows';
import { peakRequests } from '../sources/cycle';
import { useTestCleanups } from '../support/fixture';
import { startTestWorkers } from '../support/stack';
import { useStore } from '../support/store';
import { useTempDir } from '../support/temp-dir';
import { uniqueName, useTemporal } from '../support/temporal';

const RECORDS_PER_OBJECT = 30;
const PAGE_SIZE = 3;

const orgConfig = (url: string, username: string, password = 'secret-password') =>
  salesforceSourceSchema.parse({
    kind: 'salesforce',
    loginUrl: url,
    auth: { type: 'oauth-password', clientId: 'client', clientSecret: 'client-secret', username, password },
  });

test('an account queue is named by a hash of the account, never a credential, and one per account', () => {
  const queue = accountTaskQueue(orgConfig('https://acme.my.salesforce.com', 'ops@acme.example'), 'insight-hub');
  expect(queue).toMatch(/^insight-hub\/source-salesforce\/[0-9a-f]{16}$/);
  // Another password of the same user is the same org; another user or login URL is another account.
  expect(accountTaskQueue(orgConfig('https://acme.my.salesforce.com', 'ops@acme.example', 'rotated'), 'insight-hub')).toBe(queue);
  expect(accountTaskQueue(orgConfig('https://globex.my.salesforce.com', 'ops@acme.example'), 'insight-hub')).not.toBe(queue);
  expect(accountTaskQueue({ kind: 'sendgrid', allowUnsigned: true, streams: ['events'], batchSize: 100 }, 'insight-hub')).toBeNull();
});

describe('two Salesforce orgs', () => {
  const temporal = useTemporal();
  const folder = useTempDir('account-queues-');
  const control = useStore();
  const defer = useTestCleanups();

  async function startOrg(): Promise<SalesforceSimulator> {
    const counts = {
      Contact: RECORDS_PER_OBJECT,
      Lead: RECORDS_PER_OBJECT,
      Opportunity: RECORDS_PER_OBJECT,
      CampaignMember: RECORDS_PER_OBJECT,
    };
    const sim = await startSalesforceSimulator({ counts, deletedRate: 0, pageSize: PAGE_SIZE });
    defer(() => sim.stop());
    return sim;
  }

  async function connectorOf(sim: SalesforceSimulator): Promise<string> {
    const connector = await control.store.connectors.create({
      userId: 'marketing-ops',
      name: `org at ${sim.url}`,
      status: 'active',
      configuration: connectorSettingsSchema.parse({
        // Every stream: four reads in parallel, so the queue's rate, not one read's pace, is the limit.
        source: { kind: 'salesforce', loginUrl: sim.url, auth: { type: 'oauth-password', ...sim.credentials } },
        destination: { kind: 'duckdb', schema: `org_${sim.port}` },
        guardrails: { maxInvalidShare: 1, schemaChangePolicy: 'allow' },
        automationLevel: 'auto',
      }),
    });
    return connector.id;
  }

  it('each reach their own budget, not a shared one', async () => {
    const taskQueue = uniqueName('accounts');
    // A raised rate through the operator's override, so the test takes seconds: 12 requests per 3 s, 3 a second on a queue.
    const rates = loadSettings({ INSIGHT_HUB_SOURCE_RATES: 'salesforce=12/3s' }).sourceRates;
    const limit = rates.salesforce ?? { requests: 0, perSeconds: 1 };
    const ratePerSecond = queueRatePerSecond(limit);
    const connection = { connection: temporal.nativeConnection, namespace: temporal.namespace };
    await startTestWorkers(
      { ...connection, store: control.store, dataDir: folder.path, taskQueue, workflowBundle: temporal.bundle, rateLimits: rates },
      defer,
    );

    const orgs = await Promise.all([startOrg(), startOrg()]);
    const connectors = await Promise.all(orgs.map(connectorOf));
    const reports = await Promise.all(
      connectors.map((connectorId) =>
        temporal.client.workflow.execute(ingestionCycle, {
          taskQueue,
          workflowId: uniqueName(`cycle/${connectorId}`),
          args: [{ connectorId, trigger: 'manual' }],
        }),
      ),
    );
    expect(reports.map((report) => report.status)).toEqual(['completed', 'completed']);

    const spans = orgs.map((org) => {
      const reads = org
        .requests()
        .filter((request) => ['query', 'queryAll', 'queryMore'].includes(request.endpoint))
        .map((request) => request.at)
        .sort((a, b) => a - b);
      const first = reads[0] ?? 0;
      const last = reads.at(-1) ?? 0;
      return { reads, first, last, perSecond: (reads.length - 1) / ((last - first) / 1000) };
    });
    for (const { reads, perSecond } of spans) {
      // Four streams of 30 rows in pages of 3: at least 40 reads.
      expect(reads.length).toBeGreaterThanOrEqual((4 * RECORDS_PER_OBJECT) / PAGE_SIZE);
      // The server starts at most the limit in any window; the org sees each read a little later, the
      // first reads after an OAuth login, so a window at the org may hold one that started just before it.
      expect(peakRequests(reads, limit.perSeconds * 1000)).toBeLessThanOrEqual(limit.requests + 1);
      // Sharing one queue, two orgs reading together would get half of it each.
      expect(perSecond).toBeGreaterThan(0.75 * ratePerSecond);
    }
    // And they did read together: most of the shorter read overlaps the other.
    const [a, b] = spans;
    if (!a || !b) throw new Error('two orgs were read');
    const overlap = Math.min(a.last, b.last) - Math.max(a.first, b.first);
    expect(overlap).toBeGreaterThan(0.5 * Math.min(a.last - a.first, b.last - b.first));
  }, 180_000);
});
