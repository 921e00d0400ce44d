/**
 * The notification store on both engines (embedded PGlite and PostgreSQL): channel secrets are
 * ciphertext in the row and read back as written; channels are picked by event and connector; a
 * delivery marked sent is never begun again, and failures keep their count and last error.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseKeyRing } from '../../activities/secrets';
import { openPgliteClient } from '../../activities/store/pglite-client';
import { openSqlClient } from '../../activities/store';
import type { SqlClient } from '../../activities/store/sql-client';
import { sqlStore, type Store } from '../../activities/store/store';
import type { NotificationChannelBody } from '../../domain/notifications';
import { keyEntry } from '../secrets/fixtures';
import { createFreshDatabase, startPostgres } from '../store/postgres';

const postgres = startPostgres();
const keys = parseKeyRing(keyEntry('notifications'), 'INSIGHT_HUB_SECRET_KEYS');

interface Engine {
  client: SqlClient;
  store: Store;
  close(): Promise<void>;
}

const engines: [string, () => Promise<Engine>][] = [
  [
    'PGlite',
    async () => {
      const client = await openPgliteClient();
      return { client, store: sqlStore(client, keys), close: () => client.close() };
    },
  ],
];
if (postgres.available) {
  const { adminUrl } = postgres;
  engines.push([
    'PostgreSQL',
    async () => {
      const database = await createFreshDatabase(adminUrl);
      const client = await openSqlClient({ databaseUrl: database.url });
      return {
        client,
        store: sqlStore(client, keys),
        close: async () => {
          await client.close();
          await database.drop();
        },
      };
    },
  ]);
} else {
  test.skip(`PostgreSQL: ${postgres.reason}`, () => undefined);
}

const SIGNING_SECRET = `whsec-${randomUUID()}-${randomUUID()}`;
const SMTP_PASSWORD = `smtp-${randomUUID()}`;

const channel = (overrides: Partial<NotificationChannelBody>): NotificationChannelBody => ({
  name: 'on-call',
  connectorId: null,
  events: ['approval.requested', 'batch.blocked'],
  enabled: true,
  target: { kind: 'webhook', url: 'https://receiver.example.com/hook', signingSecret: SIGNING_SECRET },
  ...overrides,
});

describe.each(engines)('on %s', (_name, open) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
    await engine.store.migrate();
  });
  afterAll(async () => {
    await engine.close();
  });

  test('secrets are ciphertext in the row and read back as written', async () => {
    const email = channel({
      target: {
        kind: 'email',
        from: 'insight-hub@example.com',
        to: ['managers@example.com'],
        smtp: { host: 'smtp.example.com', port: 465, security: 'tls', username: 'ih', password: SMTP_PASSWORD },
      },
    });
    const created = [await engine.store.notificationChannels.create(channel({})), await engine.store.notificationChannels.create(email)];
    for (const [i, stored] of created.entries()) {
      const [raw] = await engine.client.query('SELECT target::text AS target FROM notification_channel WHERE id = $1', [stored.id]);
      const text = z.object({ target: z.string() }).parse(raw).target;
      expect(text).not.toContain(i === 0 ? SIGNING_SECRET : SMTP_PASSWORD);
      expect(text).toContain('$secret');
      expect((await engine.store.notificationChannels.get(stored.id))?.target).toEqual(i === 0 ? channel({}).target : email.target);
    }
  });

  test('a channel gets the events it names, of its connector or of all when global, while enabled', async () => {
    const [mine, other] = [randomUUID(), randomUUID()];
    const { client } = engine;
    for (const id of [mine, other]) {
      await client.query("INSERT INTO connector_config (id, user_id, name, configuration) VALUES ($1, 'u', 'c', '{}')", [id]);
    }
    const store = engine.store.notificationChannels;
    const scoped = await store.create(channel({ name: 'scoped', connectorId: mine, events: ['cycle.failing'] }));
    const global = await store.create(channel({ name: 'global', events: ['cycle.failing', 'erasure.completed'] }));
    await store.create(channel({ name: 'disabled', events: ['cycle.failing'], enabled: false }));
    const names = async (kind: Parameters<typeof store.subscribedTo>[0], connectorId: string | null) =>
      (await store.subscribedTo(kind, connectorId)).map((c) => c.name).sort();
    expect(await names('cycle.failing', mine)).toEqual(['global', 'scoped']);
    expect(await names('cycle.failing', other)).toEqual(['global']);
    expect(await names('erasure.completed', null)).toEqual(['global']);
    expect(await names('credential.expiring', mine)).toEqual([]);
    expect(scoped.connectorId).toBe(mine);
    expect(global.connectorId).toBeNull();
  });

  test('a sent delivery is not begun again; a failing one counts its attempts and keeps its last error', async () => {
    const log = engine.store.notificationLog;
    const { id: channelId } = await engine.store.notificationChannels.create(channel({}));
    const eventId = randomUUID().replace(/-/g, '');
    const message = {
      eventId,
      kind: 'batch.blocked' as const,
      connectorId: null,
      title: 'A batch was blocked',
      text: 'blocked',
      link: null,
      action: null,
      facts: {},
      occurredAt: new Date().toISOString(),
    };
    await log.saveEvent(message);
    await log.saveEvent({ ...message, title: 'a retried raise changes nothing' });
    expect(await log.beginAttempt(eventId, channelId, 'webhook')).toBe(true);
    await log.markFailed(eventId, channelId, 'the receiver answered\nHTTP 503', false);
    expect(await log.beginAttempt(eventId, channelId, 'webhook')).toBe(true);
    await log.markSent(eventId, channelId, new Date().toISOString());
    expect(await log.beginAttempt(eventId, channelId, 'webhook')).toBe(false);
    await log.markFailed(eventId, channelId, 'a late failure does not undo a send', true);

    const logged = await log.getEvent(eventId);
    expect(logged?.message.title).toBe('A batch was blocked');
    expect(logged?.deliveries).toEqual([expect.objectContaining({ status: 'sent', attempts: 2, lastError: null })]);
    expect(await log.listDeliveries({ channelId, status: 'sent' })).toHaveLength(1);
  });
});
