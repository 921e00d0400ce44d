/**
 * Notification channels through the API as a manager uses it: secrets shown as "[redacted]"
 * (sealed at rest: test/notifications/channel-store.test.ts), kept when a GET is sent back with a PUT;
 * bad input refused with the field and the rule; the delivery log and a sent notification readable.
 */
import { z } from 'zod';
import { REDACTED } from '../../domain/redaction';
import { useApiHarness } from './harness';

const api = useApiHarness();

const CHANNELS = '/api/v1/notifications/channels';
const SIGNING_SECRET = 'whsec-api-test-0123456789abcdef0123456789';
const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/api-test-secret-path';
const SMTP_PASSWORD = 'smtp-password-of-the-api-test';

const channelSchema = z.object({ id: z.uuid(), target: z.record(z.string(), z.unknown()) }).loose();
const issuesSchema = z.object({ issues: z.array(z.object({ path: z.string(), rule: z.string(), message: z.string() })) });

const webhook = { kind: 'webhook', url: 'https://receiver.example.com/insight-hub', signingSecret: SIGNING_SECRET };
const email = {
  kind: 'email',
  from: 'insight-hub@example.com',
  to: ['data-managers@example.com'],
  smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', username: 'insight-hub', password: SMTP_PASSWORD },
};

async function create(target: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const created = await api.call('POST', CHANNELS, { json: { name: `channel ${String(target.kind)}`, target, ...extra } });
  expect(created.status).toBe(201);
  return channelSchema.parse(created.body);
}

test('secrets are shown redacted and kept through GET then PUT', async () => {
  for (const [target, secrets] of [
    [webhook, [SIGNING_SECRET]],
    [{ kind: 'slack', webhookUrl: SLACK_URL }, [SLACK_URL]],
    [email, [SMTP_PASSWORD]],
  ] as const) {
    const created = await create(target);
    expect(JSON.stringify(created)).not.toContain(secrets[0]);
    const shown = await api.call('GET', `${CHANNELS}/${created.id}`);
    expect(shown.status).toBe(200);
    const body = channelSchema.parse(shown.body);
    expect(Object.values(body.target).concat(Object.values(body.target.smtp ?? {}))).toContain(REDACTED);

    // A client changes the name and sends back what it read.
    const replaced = await api.call('PUT', `${CHANNELS}/${created.id}`, { json: { ...body, name: 'renamed', id: undefined } });
    expect(replaced.status).toBe(200);
    const stored = await api.store.notificationChannels.get(created.id);
    expect(stored?.name).toBe('renamed');
    expect(JSON.stringify(stored?.target)).toContain(secrets[0]);
  }
});

test('a marker where no secret is stored, or for another SMTP host, is refused naming the field', async () => {
  const refused = await api.call('POST', CHANNELS, { json: { name: 'new', target: { ...webhook, signingSecret: REDACTED } } });
  expect(refused.status).toBe(400);
  expect(issuesSchema.parse(refused.body).issues.map((issue) => issue.path)).toContain('target.signingSecret');

  const created = await create(email);
  const moved = await api.call('PUT', `${CHANNELS}/${created.id}`, {
    json: { name: 'moved', target: { ...email, smtp: { ...email.smtp, host: 'smtp.elsewhere.example', password: REDACTED } } },
  });
  expect(moved.status).toBe(400);
  expect(issuesSchema.parse(moved.body).issues.map((issue) => issue.path)).toContain('target.smtp.password');
});

test.each([
  ['plain http to another host', { target: { ...webhook, url: 'http://receiver.example.com/hook' } }, 'target.url'],
  ['a Slack URL that is no URL (found by schemathesis: a 500)', { target: { kind: 'slack', webhookUrl: 'AAA' } }, 'target.webhookUrl'],
  ['an empty webhook URL', { target: { ...webhook, url: '' } }, 'target.url'],
  ['a short signing secret', { target: { ...webhook, signingSecret: 'short' } }, 'target.signingSecret'],
  ['an unknown event', { target: webhook, events: ['approval.requested', 'lunch.served'] }, 'events.1'],
  ['a connector that does not exist', { target: webhook, connectorId: '00000000-0000-4000-8000-000000000001' }, 'connectorId'],
  [
    'a password sent in plain to another host',
    { target: { ...email, smtp: { ...email.smtp, security: 'plain' } } },
    'target.smtp.security',
  ],
  ['no recipient', { target: { ...email, to: [] } }, 'target.to'],
])('%s is a 400 naming the field', async (_what, body, field) => {
  const answer = await api.call('POST', CHANNELS, { json: { name: 'refused', ...body } });
  expect(answer.status).toBe(400);
  expect(issuesSchema.parse(answer.body).issues.map((issue) => issue.path)).toContain(field);
});

test('only managers and admins keep channels', async () => {
  const lead = await api.keyFor('campaign-lead');
  const answer = await api.call('GET', CHANNELS, undefined, lead);
  expect(answer.status).toBe(403);
  const manager = await api.keyFor('manager');
  expect((await api.call('GET', CHANNELS, undefined, manager)).status).toBe(200);
});

test('the delivery log and a sent notification are readable, without the channel secrets', async () => {
  const created = await create(webhook);
  const eventId = 'f'.repeat(32);
  await api.store.notificationLog.saveEvent({
    eventId,
    kind: 'batch.blocked',
    connectorId: null,
    title: 'A batch of the platform was blocked',
    text: 'Stream contact: maxInvalidShare 0.4 (limit 0.2).',
    link: null,
    action: null,
    facts: { stream: 'contact' },
    occurredAt: new Date().toISOString(),
  });
  expect(await api.store.notificationLog.beginAttempt(eventId, created.id, 'webhook')).toBe(true);
  await api.store.notificationLog.markFailed(eventId, created.id, 'the receiver answered HTTP 503', false);

  const log = await api.call('GET', `/api/v1/notifications/deliveries?channelId=${created.id}&status=failing`);
  expect(log.status).toBe(200);
  expect(log.body).toEqual({
    deliveries: [
      expect.objectContaining({
        eventId,
        channelId: created.id,
        status: 'failing',
        attempts: 1,
        lastError: 'the receiver answered HTTP 503',
      }),
    ],
  });

  const event = await api.call('GET', `/api/v1/notifications/events/${eventId}`);
  expect(event.status).toBe(200);
  expect(event.body).toMatchObject({
    message: { kind: 'batch.blocked', title: 'A batch of the platform was blocked' },
    deliveries: [{ status: 'failing' }],
  });
  expect(JSON.stringify(event.body)).not.toContain(SIGNING_SECRET);

  expect((await api.call('DELETE', `${CHANNELS}/${created.id}`)).status).toBe(204);
  expect((await api.call('GET', `${CHANNELS}/${created.id}`)).status).toBe(404);
  // The log outlives the channel.
  expect((await api.call('GET', `/api/v1/notifications/events/${eventId}`)).status).toBe(200);
});
