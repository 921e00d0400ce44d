/**
 * One realistic path per recorded history of the workflows beside the ingestion cycle: erasures through
 * the API, webhook deliveries signed by the SendGrid simulator, scheduled workflows (credential check,
 * retention sweep) started as their schedules start them, notifications of a waiting approval. Each
 * scenario checks that its workflows took the intended path.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { CREDENTIAL_CHECK_SCHEDULE_ID, CREDENTIAL_CHECK_WORKFLOW } from '../../domain/constants';
import type { CreateConnectorBody, DestinationConfig } from '../../domain/connector';
import { approvalReminderWorkflowId, notificationWorkflowId } from '../../domain/notifications';
import {
  RETENTION_SWEEP_WORKFLOW,
  retentionSettingsSchema,
  retentionSweepWorkflowId,
  type RetentionSweepInput,
} from '../../domain/privacy';
import { webhookDrainWorkflowId } from '../../domain/webhook-drain';
import { SIMULATOR_CREDENTIALS } from '../../simulators/salesforce/server';
import { generateSendgridEvents } from '../../simulators/sendgrid/events';
import { createSendgridSender } from '../../simulators/sendgrid/sender';
import { createSendgridSigningKey } from '../../simulators/sendgrid/signing';
import { zendeskSourceWithTokenAge } from '../credentials/zendesk-source';
import { eventually } from '../support/eventually';
import type { World } from './world';

import { cycleResult, plainDestination, runNow, salesforceSource, startedSchema, type Recording } from './scenario-steps';

/** A data subject whose contact was loaded asks to be forgotten; the email never enters history. */
export async function erasure(world: World): Promise<Recording[]> {
  const loaded = await world.warehouseRows(
    plainDestination,
    'select email from marketing.salesforce_contact where email is not null order by id limit 1',
  );
  const email = String(loaded[0]?.email ?? '');
  assert.ok(email.includes('@'), 'a loaded contact with an email address');
  const answer = await world.call('POST', '/api/v1/privacy/erasure-requests', { subject: { email }, reason: 'gdpr' });
  assert.equal(answer.status, 202, `erasure: ${JSON.stringify(answer.body)}`);
  const { workflowId } = startedSchema.parse(answer.body);
  const receipt = z.object({ status: z.string() }).parse(await world.env.client.workflow.getHandle(workflowId).result());
  assert.equal(receipt.status, 'completed');
  return [{ name: 'erasureRequest-completed', workflowId }];
}

/**
 * Two deliveries from the SendGrid simulator, the second with a redelivery beside it: the drain wakes
 * and loads, is woken again (while it works or idles), loads again, then idles out and ends a minute later.
 */
export async function webhookDrain(world: World): Promise<Recording[]> {
  const key = createSendgridSigningKey();
  const destination: DestinationConfig = { kind: 'duckdb', schema: 'webhooks' };
  const connectorId = await world.createConnector({
    userId: 'marketing-ops',
    name: 'SendGrid events',
    configuration: { source: { kind: 'sendgrid', publicKey: key.publicKey }, destination, guardrails: { maxInvalidShare: 0.9 } },
  } satisfies CreateConnectorBody);
  const sender = createSendgridSender(`${world.apiUrl}/webhooks/sendgrid/${connectorId}`, key);
  const loaded = async (count: number) =>
    eventually(
      `${count} events in the warehouse`,
      async () => {
        const rows = await world.warehouseRows(destination, 'select count(*) as n from webhooks.sendgrid_events').catch(() => []);
        return Number(rows[0]?.n ?? 0) >= count ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );

  const first = generateSendgridEvents(12, { seed: 31, staleShare: 0.2 });
  assert.equal((await sender.deliver(first)).status, 200);
  const fresh = first.filter((e) => e.timestamp >= Math.floor(Date.now() / 1000) - 24 * 3600).length;
  await loaded(fresh);
  const second = await sender.deliver(generateSendgridEvents(6, { seed: 32 }));
  assert.equal(second.status, 200);
  assert.equal((await sender.redeliver(second)).status, 200);
  await loaded(fresh + 6);

  const workflowId = webhookDrainWorkflowId(connectorId);
  await world.env.client.workflow.getHandle(workflowId).result();
  return [
    { name: 'webhookDrain-two-deliveries', workflowId },
    // Kept apart: the first history was recorded before the drain refreshed the customer models, the
    // second while it refreshed them after every round that loaded.
    { name: 'webhookDrain-models-refreshed', workflowId },
    { name: 'webhookDrain-models-when-caught-up', workflowId },
  ];
}

/** The daily check as its schedule starts it: a Zendesk token on day 26 is due soon. */
export async function credentialCheck(world: World): Promise<Recording[]> {
  const connectorId = await world.createConnector({
    userId: 'support-ops',
    name: 'Zendesk tickets',
    configuration: { source: zendeskSourceWithTokenAge('replay-zendesk-token-value', 26) },
  } satisfies CreateConnectorBody);
  const workflowId = `${CREDENTIAL_CHECK_SCHEDULE_ID}-${new Date().toISOString()}`;
  const result = z
    .object({ dueSoon: z.array(z.string()), overdue: z.array(z.string()) })
    .parse(await world.env.client.workflow.execute(CREDENTIAL_CHECK_WORKFLOW, { taskQueue: world.taskQueue, workflowId }));
  assert.deepEqual(result.dueSoon, [connectorId]);
  return [{ name: 'credentialCheck-due-soon', workflowId }];
}

/** The warehouse sweep as its schedule starts it: one target per connector, each swept and proven. */
export async function retentionSweep(world: World): Promise<Recording[]> {
  const input: RetentionSweepInput = { dataType: 'warehouse', settings: retentionSettingsSchema.parse({ windows: { warehouse: '365d' } }) };
  const workflowId = `${retentionSweepWorkflowId('warehouse')}-${new Date().toISOString()}`;
  const report = z
    .object({ outcomes: z.array(z.object({ status: z.string() })) })
    .parse(await world.env.client.workflow.execute(RETENTION_SWEEP_WORKFLOW, { taskQueue: world.taskQueue, workflowId, args: [input] }));
  assert.ok(report.outcomes.length > 1, 'a target per connector');
  assert.ok(
    report.outcomes.every((outcome) => outcome.status === 'swept'),
    `every target swept: ${JSON.stringify(report.outcomes)}`,
  );
  return [{ name: 'retentionSweep-warehouse', workflowId }];
}

/**
 * A gate nobody decides on, with a webhook channel for its connector: the request is sent at once,
 * the reminder before the timeout (its own workflow), then the policy rejects.
 */
export async function approvalNotifications(world: World): Promise<Recording[]> {
  const hooks: string[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      hooks.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    const connectorId = await world.createConnector({
      userId: 'marketing-ops',
      name: 'Salesforce contacts, nobody decides',
      configuration: {
        source: salesforceSource(world, ['contact']),
        destination: { kind: 'duckdb', schema: 'undecided' },
        guardrails: { maxRowsPerCycle: 10, maxInvalidShare: 0.9, schemaChangePolicy: 'allow' },
        automationLevel: 'approve-on-breach',
        approvalPolicy: { timeout: '8s', onTimeout: 'reject', approverRole: 'manager' },
      },
    } satisfies CreateConnectorBody);
    const { port } = receiver.address() as AddressInfo;
    const channel = await world.call('POST', '/api/v1/notifications/channels', {
      name: 'approvals of this connector',
      connectorId,
      events: ['approval.requested', 'approval.reminder'],
      target: { kind: 'webhook', url: `http://127.0.0.1:${port}/hook`, signingSecret: REPLAY_SIGNING_SECRET },
    });
    assert.equal(channel.status, 201, `channel: ${JSON.stringify(channel.body)}`);

    const cycle = await runNow(world, connectorId);
    const report = await cycleResult(world, cycle);
    assert.equal(report.streams[0]?.outcome, 'rejected', 'the policy rejected the batch at the timeout');
    const sent = await eventually('the request and the reminder', async () => (hooks.length >= 2 ? hooks : undefined), {
      timeoutMs: 30_000,
    });
    const [requested, reminded] = sent.map((body) =>
      z.object({ eventId: z.string(), kind: z.string(), facts: z.object({ approvalId: z.string() }) }).parse(JSON.parse(body)),
    );
    assert.equal(requested?.kind, 'approval.requested');
    assert.equal(reminded?.kind, 'approval.reminder');
    const delivery = notificationWorkflowId(requested.eventId);
    const reminder = approvalReminderWorkflowId(requested.facts.approvalId);
    for (const workflowId of [delivery, reminder]) await world.env.client.workflow.getHandle(workflowId).result();
    return [
      { name: 'notificationDelivery-sent', workflowId: delivery },
      { name: 'approvalReminder-reminded', workflowId: reminder },
    ];
  } finally {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}

const REPLAY_SIGNING_SECRET = 'replay-signing-secret-0123456789abcdef';

/** Needles no history may hold: the simulators' and the world's secrets. */
export const SECRETS_OF_SCENARIOS = [...Object.values(SIMULATOR_CREDENTIALS), 'replay-zendesk-token-value', REPLAY_SIGNING_SECRET];
