/**
 * A gate's timeout decision is never silent: a cycle waiting for a manager announces the approval,
 * reminds before its timeout and tells the policy's decision, on each channel, against real
 * receivers — a webhook receiver that checks the HMAC signature, a Slack-format receiver, and email
 * through Mailpit. A channel that answers 503 is retried and visible in the delivery log, and does
 * not hold up the cycle or the other channels.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { createGateActivities } from '../../activities/gate-activities';
import { logger } from '../../activities/logger';
import { createNotificationActivities } from '../../activities/notifications/delivery-activities';
import { createNotifier } from '../../activities/notifications/notifier';
import { createConnectorSchema } from '../../domain/connector';
import { notificationMessageSchema, notificationWorkflowId, type NotificationChannelBody } from '../../domain/notifications';
import { eventually } from '../support/eventually';
import { useFixture } from '../support/fixture';
import { useStore } from '../support/store';
import { useTemporal } from '../support/temporal';
import { batch, CycleHarness } from '../workflows/harness';
import { startHttpReceiver, startMailpit } from './receivers';

const temporal = useTemporal();
const storeOf = useStore();
const mailpit = useFixture('Mailpit', async (defer) => {
  const started = await startMailpit();
  defer(() => started.stop());
  return started;
});
const receiver = useFixture('the HTTP receiver', async (defer) => {
  const started = await startHttpReceiver((path) => (path === '/down' ? 503 : 204));
  defer(() => started.stop());
  return started;
});

const PUBLIC_URL = 'https://insight-hub.example.com';
const SIGNING_SECRET = 'whsec-test-0123456789abcdef0123456789abcdef';
const KINDS_IN_ORDER = ['approval.requested', 'approval.reminder', 'approval.timed-out'];

/** What a receiver does with the documented scheme (README, Notifications): nothing of the product's code. */
function verified(body: string, headers: Record<string, unknown>): boolean {
  const timestamp = String(headers['x-insight-hub-timestamp']);
  const signature = String(headers['x-insight-hub-signature']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = `v1=${createHmac('sha256', SIGNING_SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

const slackSchema = z.object({
  text: z.string(),
  blocks: z.array(z.object({ type: z.string() }).loose()).min(2),
});

test('a waiting gate is announced, reminded before its timeout and its timeout decision told, on every channel', async () => {
  const store = storeOf.store;
  const connector = await store.connectors.create(
    createConnectorSchema.parse({
      userId: 'manager-1',
      name: 'Spring campaign tickets',
      configuration: {
        source: {
          kind: 'zendesk',
          subdomain: 'acme',
          email: 'agent@example.com',
          apiToken: 'zd-token-secret',
          apiTokenIssuedAt: new Date().toISOString().slice(0, 10),
        },
      },
    }),
  );
  const channel = (name: string, target: NotificationChannelBody['target']) =>
    store.notificationChannels.create({
      name,
      connectorId: null,
      events: [...KINDS_IN_ORDER] as NotificationChannelBody['events'],
      enabled: true,
      target,
    });
  const webhook = await channel('on-call receiver', { kind: 'webhook', url: `${receiver().url}/hook`, signingSecret: SIGNING_SECRET });
  await channel('#data-approvals', { kind: 'slack', webhookUrl: `${receiver().url}/slack` });
  await channel('data managers', {
    kind: 'email',
    from: 'insight-hub@example.com',
    to: ['data-managers@example.com'],
    smtp: { host: '127.0.0.1', port: mailpit().smtpPort, security: 'plain' },
  });
  const down = await channel('a receiver that is down', { kind: 'webhook', url: `${receiver().url}/down`, signingSecret: SIGNING_SECRET });

  const realActivities = {};
  const harness = new CycleHarness(temporal, {
    plan: {
      connectorId: connector.id,
      streams: ['contact'],
      guardrails: { maxInvalidShare: 0.1, schemaChangePolicy: 'approve' },
      // The reminder is due a quarter of the wait before the deadline: 5 s, room enough on a loaded machine.
      approvalPolicy: { timeout: '20s', onTimeout: 'reject', approverRole: 'manager' },
    },
    extract: (stream) => ({ batches: [batch(stream, 1), batch(stream, 2)], apiCalls: 2, deferred: null }),
    figuresOf: (b) => (b.sha256.endsWith('2') ? { invalidShare: 0.3, invalid: 30 } : {}),
    // Filled below: the notifier starts its workflows on the harness's own task queue.
    activities: realActivities,
  });
  const notifier = createNotifier({ store, settings: { publicUrl: PUBLIC_URL, taskQueue: harness.taskQueue } });
  const notifications = createNotificationActivities({ store, notifier, logger });
  const { recordApprovalRequested, recordApprovalResolved } = createGateActivities({
    store,
    logger,
    notifier,
    connectWarehouse: () => Promise.reject(new Error('the gate measures through the harness here')),
  });
  Object.assign(realActivities, { recordApprovalRequested, recordApprovalResolved, ...notifications });

  const stop = await harness.startWorkers();
  try {
    const report = await (await harness.start()).result();
    // The policy rejected the batch at the timeout; a failing channel did not fail the cycle.
    expect(report.streams[0]).toMatchObject({ stream: 'contact', outcome: 'rejected' });
    const [approval] = await store.approvals.list({ connectorId: connector.id, status: 'decided' });
    if (!approval) throw new Error('the approval was not recorded');
    const { approvalId, deadline } = approval.request;

    const hooks = await eventually(
      'three signed webhooks',
      async () => (receiver().on('/hook').length >= 3 ? receiver().on('/hook') : undefined),
      {
        timeoutMs: 20_000,
      },
    );
    const messages = hooks.map((hook) => notificationMessageSchema.parse(JSON.parse(hook.body)));
    expect(messages.map((m) => m.kind)).toEqual(KINDS_IN_ORDER);
    for (const hook of hooks) expect(verified(hook.body, hook.headers)).toBe(true);
    expect(hooks.map((hook) => hook.headers['x-insight-hub-event-id'])).toEqual(messages.map((m) => m.eventId));
    // The reminder came before the deadline, the decision after it.
    const [requested, reminder, timedOut] = hooks.map((hook) => hook.receivedAt);
    expect(requested).toBeLessThan(reminder ?? 0);
    expect(reminder).toBeLessThan(Date.parse(deadline));
    expect(timedOut).toBeGreaterThanOrEqual(Date.parse(deadline));

    const link = `${PUBLIC_URL}/dashboard/#/approvals/${encodeURIComponent(approvalId)}`;
    const decisionCall = `${PUBLIC_URL}/api/v1/approvals/${approvalId}/decision`;
    expect(messages[0]).toMatchObject({ link, action: { method: 'POST', url: decisionCall }, connectorId: connector.id });
    expect(messages[0]?.title).toBe('A load of connector "Spring campaign tickets" waits for your decision');
    expect(messages[2]?.title).toBe('No decision in time: the policy rejected a load of connector "Spring campaign tickets"');

    const slack = await eventually('three Slack posts', async () =>
      receiver().on('/slack').length >= 3 ? receiver().on('/slack') : undefined,
    );
    const slackTexts = slack.map((post) => slackSchema.parse(JSON.parse(post.body)).text);
    expect(slackTexts[0]).toBe(`A load of connector "Spring campaign tickets" waits for your decision — ${link}`);
    expect(slackTexts[1]).toMatch(/^Reminder: a load of connector "Spring campaign tickets" still waits for a decision/);

    const mails = await eventually('three mails in Mailpit', async () => {
      const found = await mailpit().messages();
      return found.length >= 3 ? found : undefined;
    });
    expect(mails.map((mail) => mail.Subject).sort()).toEqual(
      [
        '[Insight Hub] A load of connector "Spring campaign tickets" waits for your decision',
        '[Insight Hub] No decision in time: the policy rejected a load of connector "Spring campaign tickets"',
        '[Insight Hub] Reminder: a load of connector "Spring campaign tickets" still waits for a decision',
      ].sort(),
    );
    const request = mails.find((mail) => mail.Subject.includes('waits for your decision'));
    expect(request?.To.map((to) => to.Address)).toEqual(['data-managers@example.com']);
    const requestText = await mailpit().text(request?.ID ?? '');
    expect(requestText).toContain(`Open: ${link}`);
    expect(requestText).toContain(`Decide through the API: POST ${decisionCall}`);

    // The channel that is down: retried, and its failure readable in the delivery log; the others sent once.
    const failing = await eventually('the failing channel in the log', async () => {
      const rows = await store.notificationLog.listDeliveries({ channelId: down.id });
      return rows.length >= 3 && rows.every((row) => row.status === 'failing') ? rows : undefined;
    });
    expect(failing.map((row) => row.lastError)).toEqual([
      'the receiver answered HTTP 503',
      'the receiver answered HTTP 503',
      'the receiver answered HTTP 503',
    ]);
    const sent = await store.notificationLog.listDeliveries({ channelId: webhook.id });
    expect(sent.map((row) => [row.status, row.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ]);

    // A retried delivery of a sent notification sends nothing again.
    const again = await notifications.deliverNotification({ eventId: messages[0]?.eventId ?? '', channelId: webhook.id });
    expect(again).toBe('already-sent');
    expect(receiver().on('/hook')).toHaveLength(3);

    for (const row of failing) await terminate(notificationWorkflowId(row.eventId));
  } finally {
    await stop();
  }
}, 90_000);

async function terminate(workflowId: string): Promise<void> {
  try {
    await temporal.client.workflow.getHandle(workflowId).terminate('test over: the receiver stays down');
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
