/**
 * One realistic path per recorded history, driven as users and schedules drive the product: cycles,
 * decisions, re-validations and erasures through the API, webhook deliveries signed by the SendGrid
 * simulator, scheduled workflows started as their schedules start them. Each scenario checks that
 * its workflows took the intended path, so a recording never silently holds a different one.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import contactSuite from '../../activities/sources/salesforce/suites/contact.json';
import { CREDENTIAL_CHECK_SCHEDULE_ID, CREDENTIAL_CHECK_WORKFLOW, scheduledCycleWorkflowId } from '../../domain/constants';
import type { CreateConnectorBody, DestinationConfig } from '../../domain/connector';
import { cycleReportSchema, type CycleReport } from '../../domain/cycle';
import { INGESTION_CYCLE_WORKFLOW } from '../../domain/messages';
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
import { eventually } from '../support/eventually';
import type { World } from './world';

/** A workflow run to record, under `<workflowType>-<case>`. */
export interface Recording {
  name: string;
  workflowId: string;
}

const startedSchema = z.object({ workflowId: z.string() });
const approvalsSchema = z.object({ approvals: z.array(z.object({ approvalId: z.string(), workflowId: z.string() })) });
const reportsSchema = z.object({ reports: z.array(z.object({ id: z.string(), quarantinedRows: z.number().nullable() })) });

const salesforceSource = (world: World, streams: ('contact' | 'lead')[]) =>
  ({
    kind: 'salesforce',
    loginUrl: world.salesforce.url,
    auth: { type: 'oauth-password', ...SIMULATOR_CREDENTIALS },
    streams,
    batchSize: 1_000,
  }) as const;

async function cycleResult(world: World, workflowId: string): Promise<CycleReport> {
  return cycleReportSchema.parse(await world.env.client.workflow.getHandle(workflowId).result());
}

async function runNow(world: World, connectorId: string): Promise<string> {
  const started = await world.call('POST', `/api/v1/data-warehouse-connector/${connectorId}/runs`, {});
  assert.equal(started.status, 202, `run now: ${JSON.stringify(started.body)}`);
  return startedSchema.parse(started.body).workflowId;
}

/** A Salesforce connector whose first cycle crosses the row limit and waits for a manager. */
function createGatedConnector(world: World, name: string, schema: string): Promise<string> {
  return world.createConnector({
    userId: 'marketing-ops',
    name,
    configuration: {
      source: salesforceSource(world, ['contact']),
      destination: { kind: 'duckdb', schema },
      guardrails: { maxRowsPerCycle: 10, maxInvalidShare: 0.9, schemaChangePolicy: 'allow' },
      automationLevel: 'approve-on-breach',
    },
  } satisfies CreateConnectorBody);
}

/** The approval the connector's cycle waits for, once it waits. */
async function pendingApproval(world: World, connectorId: string): Promise<{ approvalId: string; workflowId: string }> {
  const [waiting] = await eventually(
    'the cycle waiting for a manager',
    async () => {
      const pending = approvalsSchema.parse(
        (await world.call('GET', `/api/v1/approvals?connectorId=${connectorId}&status=pending`)).body,
      ).approvals;
      return pending.length > 0 ? pending : undefined;
    },
    { timeoutMs: 60_000 },
  );
  assert.ok(waiting);
  return waiting;
}

/** A manager approves through the API (the Workflow Update); the cycle loads. */
async function approveAndLoad(world: World, approval: { approvalId: string; workflowId: string }, reason: string): Promise<void> {
  const decided = await world.call('POST', `/api/v1/approvals/${encodeURIComponent(approval.approvalId)}/decision`, {
    decision: 'approve',
    reason,
  });
  assert.equal(decided.status, 200, `decision: ${JSON.stringify(decided.body)}`);
  const approved = await cycleResult(world, approval.workflowId);
  assert.equal(approved.status, 'completed');
  assert.ok((approved.streams[0]?.loaded ?? 0) > 0, 'the approved cycle loaded rows');
}

/**
 * A manual cycle crosses the row limit and waits for a manager; the schedule fires meanwhile and its
 * cycle starts nothing (planCycle names the other cycle); the manager approves through the API (the
 * Workflow Update) and the waiting cycle loads.
 */
export async function gatedCycles(world: World): Promise<Recording[]> {
  const connectorId = await createGatedConnector(world, 'Salesforce contacts, gated', 'gated');
  const gated = await runNow(world, connectorId);
  const waiting = await pendingApproval(world, connectorId);
  assert.equal(waiting.workflowId, gated);

  const scheduled = `${scheduledCycleWorkflowId(connectorId)}-${new Date().toISOString()}`;
  await world.env.client.workflow.start(INGESTION_CYCLE_WORKFLOW, {
    taskQueue: world.taskQueue,
    workflowId: scheduled,
    args: [{ connectorId, trigger: 'schedule' }],
  });
  const skipped = await cycleResult(world, scheduled);
  assert.equal(skipped.status, 'skipped');
  assert.ok(skipped.detail?.includes(gated), `the skipped cycle names the running one: ${skipped.detail}`);

  await approveAndLoad(world, waiting, 'the first load reads the whole org');
  return [
    { name: 'ingestionCycle-gate-approved', workflowId: gated },
    { name: 'ingestionCycle-skipped-other-cycle', workflowId: scheduled },
  ];
}

/**
 * A cycle waits for a manager while the workers are replaced, as a deploy replaces them; the
 * manager's approval is then taken by a new worker, which first rebuilds the cycle from its history
 * (no cached state: its task goes to the normal queue, not the old worker's sticky one), and loads.
 */
export async function gateAcrossUpgrade(world: World): Promise<Recording[]> {
  const connectorId = await createGatedConnector(world, 'Salesforce contacts, gated across a deploy', 'gated_deploy');
  const workflowId = await runNow(world, connectorId);
  const waiting = await pendingApproval(world, connectorId);
  assert.equal(waiting.workflowId, workflowId);

  await world.replaceWorkers();
  await approveAndLoad(world, waiting, 'approved after the deploy');

  const history = await world.env.client.workflow.getHandle(workflowId).fetchHistory();
  const queueKinds = (history.events ?? []).flatMap((event) => event.workflowTaskScheduledEventAttributes?.taskQueue?.kind ?? []);
  const { TASK_QUEUE_KIND_STICKY, TASK_QUEUE_KIND_NORMAL } = temporal.api.enums.v1.TaskQueueKind;
  const sticky = queueKinds.indexOf(TASK_QUEUE_KIND_STICKY);
  const fresh = queueKinds.some((kind, at) => sticky >= 0 && at > sticky && kind === TASK_QUEUE_KIND_NORMAL);
  assert.ok(fresh, `a new worker took the waiting cycle from the normal queue: ${JSON.stringify(queueKinds)}`);
  return [{ name: 'ingestionCycle-gate-waited-across-upgrade', workflowId }];
}

/** Where the plain cycle loads, which the erasure then finds the subject in. */
const plainDestination: DestinationConfig = { kind: 'duckdb', schema: 'marketing' };

/** A first cycle of two streams, each loaded in parallel, flawed contacts quarantined. */
export async function plainCycle(world: World): Promise<{ recordings: Recording[]; connectorId: string }> {
  const connectorId = await world.createConnector({
    userId: 'marketing-ops',
    name: 'Salesforce contacts and leads',
    configuration: {
      source: salesforceSource(world, ['contact', 'lead']),
      destination: plainDestination,
      guardrails: { maxInvalidShare: 0.5, schemaChangePolicy: 'allow' },
    },
  } satisfies CreateConnectorBody);
  const workflowId = await runNow(world, connectorId);
  const report = await cycleResult(world, workflowId);
  assert.equal(report.status, 'completed');
  assert.deepEqual(
    report.streams.map((s) => s.outcome),
    ['loaded', 'loaded'],
  );
  assert.ok((report.streams[0]?.quarantined ?? 0) > 0, 'the contact stream quarantined its flawed rows');
  return {
    recordings: [
      { name: 'ingestionCycle-completed', workflowId },
      // Kept apart: the first history was recorded before pages were read on their account's queue.
      { name: 'ingestionCycle-account-queue', workflowId },
    ],
    connectorId,
  };
}

/** A manager drops the email-format rule and asks again: the rows it alone held back are released. */
export async function revalidation(world: World, connectorId: string): Promise<Recording[]> {
  const reports = reportsSchema.parse(
    (await world.call('GET', `/api/v1/data-warehouse-connector/${connectorId}/quality-reports?stream=contact`)).body,
  ).reports;
  const report = reports.find((r) => (r.quarantinedRows ?? 0) > 0);
  assert.ok(report, 'a contact quality report with quarantined rows');
  const suite = {
    name: 'salesforce.contact, any email',
    expectations: contactSuite.expectations.filter((e) => e.type !== 'expect_column_values_to_match_regex'),
  };
  const answer = await world.call('POST', `/api/v1/data-warehouse-connector/${connectorId}/quarantine/revalidate`, {
    qualityReportId: report.id,
    suite,
  });
  assert.equal(answer.status, 200, `revalidate: ${JSON.stringify(answer.body)}`);
  // Applied, with rows released: the path that loads, not the one that finds nothing to do.
  z.object({ outcome: z.literal('applied'), released: z.number().positive() }).parse(answer.body);
  // The API names the run after the suite's hash; visibility finds it by the connector it upserts.
  const query = `WorkflowType = 'revalidateQuarantine' AND ConnectorId = '${connectorId}'`;
  const workflowId = await eventually('the re-validation listed', async () => {
    for await (const run of world.env.client.workflow.list({ query })) return run.workflowId;
    return undefined;
  });
  return [{ name: 'revalidateQuarantine-applied', workflowId }];
}

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
  return [{ name: 'webhookDrain-two-deliveries', workflowId }];
}

/** The daily check as its schedule starts it: a Zendesk token on day 26 is due soon. */
export async function credentialCheck(world: World): Promise<Recording[]> {
  const issuedAt = new Date(Date.now() - 26 * 86_400_000).toISOString().slice(0, 10);
  const connectorId = await world.createConnector({
    userId: 'support-ops',
    name: 'Zendesk tickets',
    configuration: {
      source: {
        kind: 'zendesk',
        subdomain: 'acme',
        email: 'agent@example.com',
        apiToken: 'replay-zendesk-token-value',
        apiTokenIssuedAt: issuedAt,
      },
    },
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
