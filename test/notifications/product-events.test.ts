/**
 * Notifications raised where the product raises its alerts, through the real workers
 * (worker/workers.ts builds the notifier): the daily credential check tells a token due for
 * rotation, and a connector whose cycles keep failing is told at its third failure in a row, once.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { CREDENTIAL_CHECK_WORKFLOW } from '../../domain/constants';
import { notificationMessageSchema, type NotificationKind } from '../../domain/notifications';
import { refusedSalesforceSource } from '../../simulators/salesforce/source';
import { zendeskSourceWithTokenAge } from '../credentials/zendesk-source';
import { eventually } from '../support/eventually';
import { useFixture } from '../support/fixture';
import { useStack } from '../support/stack';
import { uniqueName } from '../support/temporal';
import { startHttpReceiver } from './receivers';

const stack = useStack({ name: 'notifications', salesforce: { contacts: 20, deletedRate: 0, seed: 5 } });
const receiver = useFixture('the HTTP receiver', async (defer) => {
  const started = await startHttpReceiver(() => 204);
  defer(() => started.stop());
  return started;
});

const SIGNING_SECRET = 'whsec-product-events-0123456789abcdef0123';

async function channelFor(connectorId: string, events: NotificationKind[]): Promise<string> {
  const path = `/${connectorId}`;
  const created = await stack.call('POST', '/api/v1/notifications/channels', {
    name: `webhook of ${connectorId}`,
    connectorId,
    events,
    target: { kind: 'webhook', url: `${receiver().url}${path}`, signingSecret: SIGNING_SECRET },
  });
  expect(created.status).toBe(201);
  return path;
}

/** The messages a channel's receiver got, each signature checked. */
function messagesOn(path: string) {
  return receiver()
    .on(path)
    .map(({ body, headers }) => {
      const timestamp = String(headers['x-insight-hub-timestamp']);
      const expected = `v1=${createHmac('sha256', SIGNING_SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
      expect(headers['x-insight-hub-signature']).toBe(expected);
      return notificationMessageSchema.parse(JSON.parse(body));
    });
}

/** The first message a channel's receiver gets, waited for. */
async function firstMessageOn(path: string, what: string) {
  const [message] = await eventually(what, async () => {
    const got = messagesOn(path);
    return got.length > 0 ? got : undefined;
  });
  return message;
}

test('the daily credential check tells a Zendesk token due for rotation', async () => {
  const connectorId = await stack.createConnector({
    userId: 'support-ops',
    name: 'Zendesk tickets',
    configuration: { source: zendeskSourceWithTokenAge('zendesk-token-of-the-test', 26) },
  });
  const path = await channelFor(connectorId, ['credential.expiring']);
  await stack.client.workflow.execute(CREDENTIAL_CHECK_WORKFLOW, {
    taskQueue: stack.taskQueue,
    workflowId: uniqueName('credential-check'),
  });

  const message = await firstMessageOn(path, 'the credential notification');
  expect(message).toMatchObject({
    kind: 'credential.expiring',
    connectorId,
    title: 'The apiToken of connector "Zendesk tickets" is due for rotation',
    facts: { ageDays: 26 },
  });
  expect(JSON.stringify(message)).not.toContain('zendesk-token-of-the-test');
});

test('three failed cycles in a row are told once, at the third', async () => {
  const connectorId = await stack.createConnector({
    userId: 'marketing-ops',
    name: 'Salesforce with a stale password',
    configuration: { source: refusedSalesforceSource(stack.salesforce.url, 'no-longer-the-password') },
  });
  const path = await channelFor(connectorId, ['cycle.failing']);
  const statuses: string[] = [];
  for (let i = 0; i < 4; i += 1) statuses.push((await stack.runCycle(connectorId)).status);
  expect(statuses).toEqual(['failed', 'failed', 'failed', 'failed']);

  const message = await firstMessageOn(path, 'the failing-cycles notification');
  expect(message).toMatchObject({
    kind: 'cycle.failing',
    connectorId,
    title: '3 cycles of connector "Salesforce with a stale password" failed in a row',
    facts: { failedInARow: 3 },
  });
  // The fourth failure is the same streak: nothing more is sent.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(messagesOn(path)).toHaveLength(1);
  // Both notifications of this file, sent once each, are in the delivery log.
  const log = z
    .object({ deliveries: z.array(z.object({ channelId: z.string(), status: z.string(), attempts: z.number() })) })
    .parse((await stack.call('GET', '/api/v1/notifications/deliveries?status=sent')).body);
  expect(log.deliveries.map((d) => [d.status, d.attempts])).toEqual([
    ['sent', 1],
    ['sent', 1],
  ]);
}, 120_000);
