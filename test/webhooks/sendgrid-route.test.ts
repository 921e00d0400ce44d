/**
 * POST /webhooks/sendgrid/:connectorId as SendGrid meets it: the simulator signs and posts over HTTP
 * to the real app, backed by the in-memory store and the suite's Temporal server. What is refused
 * leaves the inbox untouched; what is accepted is in the inbox before the 2xx, and wakes the drain.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { openStore } from '../../activities/store';
import type { Store } from '../../activities/store/store';
import { createApp } from '../../api/app';
import { issueApiKey } from '../../api/auth/issue-api-key';
import { startApiServer, type RunningServer } from '../../api/server';
import { createConnectorSchema } from '../../domain/connector';
import { scheduleEvery } from '../../domain/sources';
import { webhookDrainWorkflowId } from '../../domain/webhook-drain';
import { generateSendgridEvents, withoutField } from '../../simulators/sendgrid/events';
import { createSendgridSender, type SendgridSender } from '../../simulators/sendgrid/sender';
import { createSendgridSigningKey } from '../../simulators/sendgrid/signing';
import { testEnv, uniqueName } from '../support/temporal';

let env: TestWorkflowEnvironment;
let store: Store;
let api: RunningServer;
const drains: string[] = [];

beforeAll(async () => {
  env = await testEnv();
  store = await openStore({});
  api = await startApiServer({ app: createApp({ store, temporal: env.client, workflowTaskQueue: uniqueName('webhook-route') }), port: 0 });
});

afterAll(async () => {
  // No worker polls this suite's queue: end the drains it started so they do not linger on the server.
  for (const id of drains)
    await env.client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  await api?.close();
  await store?.close();
  await env?.teardown();
});

/** A SendGrid connector holding the sender's public key, and that sender posting to its webhook URL. */
async function sendgridConnector(source: { allowUnsigned?: boolean } = {}): Promise<{ id: string; sender: SendgridSender }> {
  const key = createSendgridSigningKey();
  const connector = await store.connectors.create(
    createConnectorSchema.parse({
      userId: 'marketing-ops',
      name: uniqueName('sendgrid'),
      configuration: { source: { kind: 'sendgrid', publicKey: key.publicKey, ...source } },
    }),
  );
  drains.push(webhookDrainWorkflowId(connector.id));
  return { id: connector.id, sender: createSendgridSender(`${api.url}/webhooks/sendgrid/${connector.id}`, key) };
}

const inboxOf = (connectorId: string) => store.inbox.read(connectorId, '0', 10_000);

test('a signed delivery is stored before the 2xx and wakes the connector’s drain', async () => {
  const { id, sender } = await sendgridConnector();
  const events = generateSendgridEvents(50);
  const delivery = await sender.deliver(events);
  expect(delivery).toMatchObject({ status: 200, response: { received: 50, stored: 50, duplicates: 0, quarantined: 0 } });
  expect((await inboxOf(id)).map((e) => e.eventId)).toEqual(events.map((e) => e.sg_event_id));
  const drain = await env.client.workflow.getHandle(webhookDrainWorkflowId(id)).describe();
  expect(drain).toMatchObject({ type: 'webhookDrain', status: { name: 'RUNNING' } });
});

test('a bad signature, a replayed one and an unsigned request get 401 and store nothing', async () => {
  const { id, sender } = await sendgridConnector();
  const events = generateSendgridEvents(5);
  expect(await sender.deliver(events, { tamper: true })).toMatchObject({
    status: 401,
    response: { error: 'unauthorized', message: expect.stringMatching(/does not match/) },
  });
  expect(await sender.deliver(events, { signedAt: new Date(Date.now() - 15 * 60_000) })).toMatchObject({
    status: 401,
    response: { message: expect.stringMatching(/replayed/) },
  });
  expect(await sender.deliver(events, { signed: false })).toMatchObject({
    status: 401,
    response: { message: expect.stringMatching(/not signed/) },
  });
  expect(await inboxOf(id)).toEqual([]);
});

test('a connector that allows unsigned requests takes them', async () => {
  const { id, sender } = await sendgridConnector({ allowUnsigned: true });
  expect(await sender.deliver(generateSendgridEvents(3), { signed: false })).toMatchObject({ status: 200, response: { stored: 3 } });
  expect(await inboxOf(id)).toHaveLength(3);
});

test('a malformed event gets 400 naming the event and the field; only the delivery’s valid events are stored', async () => {
  const { id, sender } = await sendgridConnector();
  const events = generateSendgridEvents(4);
  const broken = await sender.deliver(withoutField(events, 2, 'sg_event_id'));
  expect(broken).toMatchObject({
    status: 400,
    response: { error: 'validation_failed', issues: [{ path: '[2].sg_event_id', rule: 'invalid_type' }] },
  });
  const wrongType = await sender.deliver([{ ...generateSendgridEvents(1)[0], timestamp: '2024-01-01' }]);
  expect(wrongType).toMatchObject({ status: 400, response: { issues: [{ path: '[0].timestamp' }] } });
  expect(await sender.deliver([])).toMatchObject({ status: 400, response: { issues: [{ path: '(body)', rule: 'too_small' }] } });
  // SendGrid retries a refused batch for 24 h, then drops it: the valid events must not go with it.
  expect((await inboxOf(id)).map((e) => e.eventId)).toEqual([0, 1, 3].map((n) => events[n]?.sg_event_id));
});

test('the judging is the inbox’s one check: an id or address at its limit is stored as sent, one past it refused by name', async () => {
  const { id, sender } = await sendgridConnector();
  const [base] = generateSendgridEvents(1);
  if (!base) throw new Error('expected an event');
  const email = `${'a'.repeat(320 - '@example.com'.length)}@example.com`;
  const atLimit = { ...base, sg_event_id: `${id}-${'e'.repeat(255 - id.length - 1)}`, email, attempt: '2', tls: 1, campaign: { wave: 3 } };
  const tooLongId = { ...base, sg_event_id: 'i'.repeat(256) };
  const tooLongEmail = { ...base, sg_event_id: `long-email-${id}`, email: `${email}x` };
  const noEmail = { ...base, sg_event_id: `no-email-${id}`, email: '' };
  expect(await sender.deliver([atLimit, tooLongId, tooLongEmail, noEmail])).toMatchObject({
    status: 400,
    response: {
      issues: [
        { path: '[1].sg_event_id', rule: 'too_big', message: 'must be at most 255 characters' },
        { path: '[2].email', rule: 'too_big', message: 'must be at most 320 characters' },
        // One message for an empty address, not also "must be an email address".
        { path: '[3].email', rule: 'too_small', message: 'must not be empty' },
      ],
      stored: 1,
    },
  });
  // The event is kept as SendGrid sent it, custom arguments and all; the drain reads it through the schema.
  expect((await inboxOf(id)).map((e) => [e.eventId, e.payload])).toEqual([[atLimit.sg_event_id, atLimit]]);
});

test('a redelivered event array is stored once', async () => {
  const { id, sender } = await sendgridConnector();
  const first = await sender.deliver(generateSendgridEvents(30));
  const again = await sender.redeliver(first);
  expect(again).toMatchObject({ status: 200, response: { received: 30, stored: 0, duplicates: 30 } });
  expect(await inboxOf(id)).toHaveLength(30);
});

test('an erased subject’s events are not stored in the inbox again, redelivered or new', async () => {
  const { id, sender } = await sendgridConnector();
  // A subject of this test alone: the suppression list is the whole store's.
  const erased = `erased-${id}@example.com`;
  const seeded = generateSendgridEvents(12);
  const events = seeded.map((event) => (event.email === seeded[0]?.email ? { ...event, email: erased } : event));
  const ofErased = events.filter((event) => event.email === erased).length;
  const first = await sender.deliver(events);
  expect(first).toMatchObject({ status: 200, response: { stored: 12, suppressed: 0 } });

  // What the erasure workflow does, in its order: suppress the subject, then delete it from the inbox.
  const request = await store.privacy.createErasureRequest({ subject: { email: erased }, reason: 'gdpr', requestedBy: 'privacy-officer' });
  await store.privacy.suppressSubject({ email: erased }, request.id, []);
  expect(await store.inbox.eraseSubject(erased)).toBe(ofErased);

  expect(await sender.redeliver(first)).toMatchObject({
    status: 200,
    response: { received: 12, stored: 0, duplicates: 12 - ofErased, suppressed: ofErased },
  });
  const fresh = { ...events[0], sg_event_id: `new-${id}`, email: erased.toUpperCase() };
  expect(await sender.deliver([fresh])).toMatchObject({ status: 200, response: { received: 1, stored: 0, suppressed: 1 } });
  const inbox = await inboxOf(id);
  expect(inbox).toHaveLength(12 - ofErased);
  expect(inbox.filter((event) => String(event.payload.email).toLowerCase() === erased.toLowerCase())).toEqual([]);
});

test('an event older than 24 hours is stored, marked for quarantine with the reason, not dropped', async () => {
  const { id, sender } = await sendgridConnector();
  const [fresh, stale] = generateSendgridEvents(2);
  if (!fresh || !stale) throw new Error('expected two events');
  const staleEvent = { ...stale, timestamp: Math.floor(Date.now() / 1000) - 25 * 3600 };
  expect(await sender.deliver([fresh, staleEvent])).toMatchObject({ status: 200, response: { stored: 2, quarantined: 1 } });
  const inbox = await inboxOf(id);
  expect(inbox.map((e) => [e.eventId, e.quarantineReason])).toEqual([
    [fresh.sg_event_id, null],
    [staleEvent.sg_event_id, 'timestamp outside the last 24 hours'],
  ]);
});

test('an unknown connector, or one of another kind, is a 404 that tells nothing more', async () => {
  const sender = createSendgridSender(`${api.url}/webhooks/sendgrid/7a4e2c1e-0000-4000-8000-000000000000`);
  expect(await sender.deliver(generateSendgridEvents(1))).toMatchObject({ status: 404, response: { error: 'not_found' } });
});

test('"run now" on a SendGrid connector wakes its drain instead of racing it, and such a connector gets no schedule', async () => {
  const { id } = await sendgridConnector();
  const { key } = await issueApiKey(store, { subject: 'route-test-admin', role: 'admin' }, 'sendgrid route test');
  const response = await fetch(`${api.url}/api/v1/data-warehouse-connector/${id}/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(202);
  expect(await response.json()).toMatchObject({ workflowId: webhookDrainWorkflowId(id) });
  const drain = await env.client.workflow.getHandle(webhookDrainWorkflowId(id)).describe();
  expect(drain).toMatchObject({ type: 'webhookDrain', status: { name: 'RUNNING' } });
  const connector = await store.connectors.get(id);
  expect(connector && scheduleEvery({ ...connector.configuration, schedule: { every: '5m' } })).toBeNull();
});
