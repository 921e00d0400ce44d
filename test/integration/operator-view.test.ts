/**
 * What an operator sees of issue 14's two cases, on the real workers and API with an encrypted client:
 * - a cycle whose streams all fail (a Salesforce connector whose password changed) is not green: the
 *   workflow ends Failed, its run report stored first (the API and the dashboard read it), the
 *   failure's plain-text message naming the streams and the run while the report it carries stays
 *   encrypted;
 * - the demo shows what the product is for: its Zendesk connector, exactly as scripts/demo-sources.ts
 *   builds it against its simulator, opens an approval gate on its first cycle (every ticket at once,
 *   over its row limit), listed where the dashboard's Approvals page reads it; a manager's approval
 *   loads the tickets.
 */
import { z } from 'zod';
import { ENCRYPTED_ENCODING } from '../../activities/secrets/payload-codec';
import { CYCLE_FAILED } from '../../domain/cycle-failure';
import { startDemoSources } from '../../scripts/demo-sources';
import { refusedSalesforceSource } from '../../simulators/salesforce/source';
import { freeLoopbackPort } from '../../worker/temporal-runtime';
import { exposuresIn, recordingFileJson } from '../replay/histories';
import { eventually } from '../support/eventually';
import { useFixture } from '../support/fixture';
import { useStack } from '../support/stack';

const stack = useStack({ name: 'operator-view', encrypted: true, salesforce: { contacts: 20, deletedRate: 0, seed: 5 } });
const STALE_PASSWORD = 'no-longer-the-password-of-failed-cycle';
const demo = useFixture('the demo sources', async (defer) => {
  const [zendesk, cms, ga4, brandwatch] = await Promise.all([1, 2, 3, 4].map(() => freeLoopbackPort()));
  const sources = await startDemoSources({
    ZENDESK_SIM_PORT: String(zendesk),
    CMS_SIM_PORT: String(cms),
    GA4_SIM_PORT: String(ga4),
    BRANDWATCH_SIM_PORT: String(brandwatch),
  });
  defer(() => sources.stop());
  return sources;
});

const pendingSchema = z.object({
  approvals: z.array(
    z.object({
      approvalId: z.string(),
      workflowId: z.string(),
      request: z.object({ breaches: z.array(z.object({ guardrail: z.string(), limit: z.unknown(), actual: z.unknown() })) }),
    }),
  ),
});

test('a cycle whose streams all fail ends Failed in Temporal, with its run report stored and readable', async () => {
  const connectorId = await stack.createConnector({
    userId: 'marketing-ops',
    name: 'Salesforce with a changed password',
    configuration: { source: refusedSalesforceSource(stack.salesforce.url, STALE_PASSWORD, { streams: ['contact', 'lead'] }) },
  });
  const workflowId = await stack.startCycle(connectorId);
  const report = await stack.finished(workflowId);
  expect(report).toMatchObject({ workflowId, connectorId, status: 'failed' });
  expect(report.streams.map((s) => [s.stream, s.outcome])).toEqual([
    ['contact', 'failed'],
    ['lead', 'failed'],
  ]);

  const handle = stack.client.workflow.getHandle(workflowId);
  expect((await handle.describe()).status.name).toBe('FAILED');

  // The run page reads the stored report: nothing was lost by failing.
  const run = await stack.call('GET', `/api/v1/runs/${encodeURIComponent(workflowId)}`);
  expect(run).toMatchObject({
    status: 200,
    body: {
      temporalStatus: 'FAILED',
      reportSource: 'store',
      report: { status: 'failed', streams: [{ outcome: 'failed' }, { outcome: 'failed' }] },
    },
  });

  const history = await handle.fetchHistory();
  const failure = history.events?.at(-1)?.workflowExecutionFailedEventAttributes?.failure;
  expect(failure?.applicationFailureInfo?.type).toBe(CYCLE_FAILED);
  expect(failure?.message).toBe(`every stream failed (contact, lead); the run report ${workflowId} is stored`);
  const details = failure?.applicationFailureInfo?.details?.payloads ?? [];
  expect(details).toHaveLength(1);
  expect(details.map((payload) => Buffer.from(payload.metadata?.encoding ?? []).toString())).toEqual([ENCRYPTED_ENCODING]);
  expect(exposuresIn(recordingFileJson(workflowId, history), [STALE_PASSWORD])).toEqual([]);
});

test('the demo Zendesk connector waits for a manager on its first cycle, and loads every ticket once approved', async () => {
  const zendesk = demo().connectors.find((connector) => connector.configuration.source.kind === 'zendesk');
  if (!zendesk) throw new Error('the demo has no Zendesk connector');
  const connectorId = await stack.createConnector({ ...zendesk, userId: 'demo-manager' });
  const workflowId = await stack.startCycle(connectorId);

  const [pending] = await eventually(
    'the first cycle waiting for a manager',
    async () => {
      const listed = pendingSchema.parse((await stack.call('GET', `/api/v1/approvals?connectorId=${connectorId}&status=pending`)).body);
      return listed.approvals.length > 0 ? listed.approvals : undefined;
    },
    { timeoutMs: 60_000 },
  );
  expect(pending?.workflowId).toBe(workflowId);
  expect(pending?.request.breaches).toEqual([expect.objectContaining({ guardrail: 'maxRowsPerCycle', limit: 1_000 })]);

  const decided = await stack.call('POST', `/api/v1/approvals/${encodeURIComponent(pending?.approvalId ?? '')}/decision`, {
    decision: 'approve',
    reason: 'the first load of the demo help desk',
  });
  expect(decided.status).toBe(200);
  const report = await stack.finished(workflowId);
  expect(report.status).toBe('completed');
  const [tickets] = report.streams;
  expect(tickets).toMatchObject({ outcome: 'loaded', extracted: 2_000 });
  expect(tickets?.loaded).toBeGreaterThan(1_000);
  expect(tickets?.breaches).toEqual([
    expect.objectContaining({ guardrail: 'maxRowsPerCycle', limit: 1_000, resolution: expect.stringMatching(/^approve/) }),
  ]);
});
