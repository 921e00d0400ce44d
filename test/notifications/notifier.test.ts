/**
 * Which audited events raise which notification, with the details the product's activities write;
 * and raising as a retried activity does: the same key raises one message and one workflow, a
 * platform event reaches global channels only, and nothing is kept when no channel wants the event.
 */
import { randomUUID } from 'node:crypto';
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import { createConnectorSchema } from '../../domain/connector';
import { notificationWorkflowId, type NotificationChannelBody, type NotificationKind } from '../../domain/notifications';
import { messageFor, notificationKindOf } from '../../activities/notifications/messages';
import { createNotifier, notificationEventId } from '../../activities/notifications/notifier';
import type { AuditEvent } from '../../activities/store/audit';
import { useStore } from '../support/store';
import { uniqueName, useTemporal } from '../support/temporal';

const temporal = useTemporal();
const storeOf = useStore();

/** Audit events as the activities write them (gate, cycle, extract, retention, credential, erasure). */
const audited: [string, AuditEvent, NotificationKind | null][] = [
  [
    'approval.requested',
    { activityType: 'approval.requested', details: { approvalId: 'cycle/c/manual~contact~ab', stream: 'contact' } },
    'approval.requested',
  ],
  [
    'a decision by the policy',
    {
      activityType: 'approval.reject',
      details: { approvalId: 'cycle/c/manual~contact~ab', decision: 'reject', byPolicy: true, reason: 'no decision' },
    },
    'approval.timed-out',
  ],
  [
    'a decision by a person',
    { activityType: 'approval.approve', details: { approvalId: 'a~b~c', decision: 'approve', byPolicy: false } },
    null,
  ],
  [
    'batch.blocked',
    {
      activityType: 'batch.blocked',
      details: {
        stream: 'contact',
        sha256: 'ab',
        breaches: [{ guardrail: 'schemaChangePolicy', limit: 'block', actual: 'dropped email' }],
      },
    },
    'batch.blocked',
  ],
  ['cycle.failed', { activityType: 'cycle.failed', details: { workflowId: 'cycle/c/manual' } }, 'cycle.failing'],
  ['cycle.completed', { activityType: 'cycle.completed', details: {} }, null],
  [
    'api-usage.alert',
    {
      activityType: 'api-usage.alert',
      details: { source: 'salesforce', scope: 'per-minute', used: 120, limit: 150, sharePercent: 80, windowStart: '2026-12-02T08:00:00Z' },
    },
    'api-usage.high',
  ],
  [
    'compliance.alert',
    { activityType: 'compliance.alert', details: { kind: 'sweep-late', dataType: 'staging', window: '7d' } },
    'compliance.alert',
  ],
  [
    'credential.rotation-overdue',
    { activityType: 'credential.rotation-overdue', details: { credential: 'apiToken', ageDays: 31 } },
    'credential.expiring',
  ],
  [
    'privacy.erasure-completed',
    { activityType: 'privacy.erasure-completed', details: { requestId: 'r-1', finishedAt: 'now' } },
    'erasure.completed',
  ],
  ['privacy.erasure-requested', { activityType: 'privacy.erasure-requested', details: {} }, null],
];

test.each(audited.map(([what, event, kind]) => [what, kind ?? 'nothing', event, kind] as const))(
  '%s raises %s',
  (_what, _named, event, kind) => {
    expect(notificationKindOf(event)).toBe(kind);
  },
);

test('each message says what happened in its title, and an approval links the dashboard and the decision call', () => {
  const context = {
    eventId: 'e',
    publicUrl: 'https://ih.example.com',
    occurredAt: '2026-12-02T08:00:00Z',
    connector: { id: 'c', name: 'Leads' },
  };
  const titles = audited.flatMap(([, event, kind]) => (kind ? [messageFor(event, { ...context, kind, failedInARow: 3 }).title] : []));
  expect(titles).toEqual([
    'A load of connector "Leads" waits for your decision',
    'No decision in time: the policy rejected a load of connector "Leads"',
    'A batch of connector "Leads" was blocked',
    '3 cycles of connector "Leads" failed in a row',
    'API usage of connector "Leads" reached 80 % of its limit',
    'Compliance alert: sweep-late (staging)',
    'The apiToken of connector "Leads" is due for rotation',
    'An erasure request was completed',
  ]);
  const requested: AuditEvent = { activityType: 'approval.requested', details: { approvalId: 'cycle/c/manual~contact~ab' } };
  expect(messageFor(requested, { ...context, kind: 'approval.requested' })).toMatchObject({
    link: `https://ih.example.com/dashboard/#/approvals/${encodeURIComponent('cycle/c/manual~contact~ab')}`,
    action: { method: 'POST', url: 'https://ih.example.com/api/v1/approvals/cycle/c/manual~contact~ab/decision' },
  });
});

test('a retried raise keeps one message and starts one workflow; a platform event reaches global channels only', async () => {
  const store = storeOf.store;
  const taskQueue = uniqueName('notifier');
  const notifier = createNotifier({ store, settings: { publicUrl: 'https://ih.example.com', taskQueue }, client: () => temporal.client });
  const channel = (connectorId: string | null): NotificationChannelBody => ({
    name: 'sweeps',
    connectorId,
    events: ['compliance.alert'],
    enabled: true,
    target: { kind: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/x' },
  });
  const alert: AuditEvent = { activityType: 'compliance.alert', details: { kind: 'sweep-failed', dataType: 'quarantine', window: '30d' } };
  const key = `activity/retention/${randomUUID()}/1/outcome/0/alert`;
  const eventId = notificationEventId('compliance.alert', key);

  // No channel wants it yet: nothing is kept, nothing started.
  await notifier.raise({ connectorId: PLATFORM_AUDIT_ID, userId: 'retention-sweep' }, alert, key);
  expect(await store.notificationLog.getEvent(eventId)).toBeNull();

  const connector = await store.connectors.create(
    createConnectorSchema.parse({
      userId: 'u',
      name: 'scoped',
      configuration: { source: { kind: 'cms', endpoint: 'http://127.0.0.1:1/graphql', accessToken: 'token-of-the-test' } },
    }),
  );
  await store.notificationChannels.create(channel(connector.id));
  await notifier.raise({ connectorId: PLATFORM_AUDIT_ID, userId: 'retention-sweep' }, alert, key);
  expect(await store.notificationLog.getEvent(eventId)).toBeNull();

  await store.notificationChannels.create(channel(null));
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await notifier.raise({ connectorId: PLATFORM_AUDIT_ID, userId: 'retention-sweep' }, alert, key);
  }
  const logged = await store.notificationLog.getEvent(eventId);
  expect(logged?.message).toMatchObject({
    kind: 'compliance.alert',
    connectorId: null,
    title: 'Compliance alert: sweep-failed (quarantine)',
  });
  const handle = temporal.client.workflow.getHandle(notificationWorkflowId(eventId));
  const started = await handle.describe();
  expect(started.taskQueue).toBe(taskQueue);
  expect(started.type).toBe('notificationDelivery');
  await handle.terminate('test over: no worker polls this queue');
});
