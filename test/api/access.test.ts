/**
 * Who may call the API, over HTTP: API keys and JWTs (what makes each refused, with a 401 and its
 * challenge), a creative analyst kept to their own connectors, and the audit trail that every change
 * and every read of personal data leaves, in a log that cannot be rewritten.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { createApp } from '../../api/app';
import { authenticationFromEnv } from '../../api/auth/settings';
import { startApiServer } from '../../api/server';
import { openSqlClient } from '../../activities/store';
import { sqlStore } from '../../activities/store/store';
import { PLATFORM_AUDIT_ID } from '../../domain/access';
import { uniqueName } from '../support/temporal';
import { CONNECTORS, connectorBody, createConnector, request, TEST_JWT_SECRET, useApiHarness } from './harness';
import { claimsFor, hs256, rs256, unsigned } from './tokens';

const api = useApiHarness();

const ME = '/api/v1/me';
const principalSchema = z.object({ subject: z.string(), role: z.string(), credential: z.object({ kind: z.string() }) });

describe('API keys', () => {
  test('an admin issues a key that works at once, as Bearer or X-API-Key; it is listed without its secret and audited', async () => {
    const subject = uniqueName('analyst');
    const issued = await api.call('POST', '/api/v1/api-keys', { json: { subject, role: 'creative-analyst', label: 'laptop' } });
    expect(issued).toMatchObject({ status: 201, body: { apiKey: { subject, role: 'creative-analyst', revokedAt: null } } });
    const { key, apiKey } = z
      .object({ key: z.string().startsWith('ihk_'), apiKey: z.object({ id: z.uuid(), keyId: z.string() }) })
      .parse(issued.body);

    expect(await api.call('GET', ME, undefined, key)).toMatchObject({ status: 200, body: { subject, role: 'creative-analyst' } });
    const viaHeader = await fetch(`${api.url}${ME}`, { headers: { 'x-api-key': key } });
    expect(principalSchema.parse(await viaHeader.json())).toMatchObject({ subject, credential: { kind: 'api-key' } });

    const listed = await api.call('GET', '/api/v1/api-keys');
    expect(listed.body).toMatchObject({ apiKeys: expect.arrayContaining([expect.objectContaining({ id: apiKey.id, label: 'laptop' })]) });
    const secret = key.slice('ihk_'.length + 17);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const audit = await api.store.audit.list(PLATFORM_AUDIT_ID, 1000);
    expect(audit).toContainEqual(
      expect.objectContaining({
        activityType: 'api-key.issued',
        details: expect.objectContaining({ keyId: apiKey.keyId, subject, actor: expect.objectContaining({ subject: 'test-admin' }) }),
      }),
    );
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  test('an expiry with any valid ISO-8601 offset is stored as the same instant in UTC', async () => {
    // -23:46 is valid ISO-8601 but outside PostgreSQL's offsets: it must be a 201, not a 500.
    const issued = await api.call('POST', '/api/v1/api-keys', {
      json: { subject: uniqueName('far-offset'), role: 'manager', expiresAt: '3546-02-26T20:25:31-23:46' },
    });
    expect(issued).toMatchObject({ status: 201, body: { apiKey: { expiresAt: expect.any(String) } } });
    const { expiresAt } = z.object({ apiKey: z.object({ expiresAt: z.string() }) }).parse(issued.body).apiKey;
    expect(Date.parse(expiresAt)).toBe(Date.parse('3546-02-27T20:11:31Z'));
  });

  test('a revoked key is a 401 that says so', async () => {
    const key = await api.keyFor('manager');
    const [issued] = (await api.store.apiKeys.list()).filter((k) => key.includes(k.keyId));
    expect(await api.call('DELETE', `/api/v1/api-keys/${issued?.id}`)).toMatchObject({
      status: 200,
      body: { revokedAt: expect.any(String) },
    });
    const refused = await api.call('GET', ME, undefined, key);
    expect(refused).toMatchObject({ status: 401, body: { error: 'unauthorized', message: expect.stringContaining('revoked') } });
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="insight-hub", error="invalid_token"/);
  });

  test('no credential, an unknown key, a wrong secret or a malformed header are 401s with a challenge', async () => {
    const known = await api.keyFor('campaign-lead');
    const wrongSecret = `${known.slice(0, 'ihk_'.length + 17)}${'A'.repeat(43)}`;
    const unknownKey = `ihk_${'0'.repeat(16)}_${'B'.repeat(43)}`;
    const missing = await api.call('GET', `${CONNECTORS}/user/anyone`, undefined, null);
    expect(missing).toMatchObject({ status: 401, body: { message: expect.stringContaining('Authorization: Bearer') } });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="insight-hub"');
    for (const credential of [wrongSecret, unknownKey]) {
      expect(await api.call('GET', ME, undefined, credential)).toMatchObject({
        status: 401,
        body: { message: 'unknown or wrong API key' },
      });
    }
    const basic = await fetch(`${api.url}${ME}`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
    // Unknown paths are not revealed to anonymous callers either.
    expect(await api.call('GET', '/api/v1/no-such-thing', undefined, null)).toMatchObject({ status: 401 });
  });
});

describe('JWT bearer tokens', () => {
  test('HS256 with sub, role and exp is accepted as that subject and role', async () => {
    const token = hs256(claimsFor('data-scientist', { sub: 'ada' }), TEST_JWT_SECRET);
    expect(await api.call('GET', ME, undefined, token)).toMatchObject({
      status: 200,
      body: { subject: 'ada', role: 'data-scientist', credential: { kind: 'jwt', algorithm: 'HS256' } },
    });
  });

  test.each([
    ['an expired token', hs256(claimsFor('admin', { exp: Math.floor(Date.now() / 1_000) - 5 }), TEST_JWT_SECRET), 'expired'],
    [
      'a token signed with another secret',
      hs256(claimsFor('admin'), 'another-secret-that-is-long-enough-to-be-used'),
      'bad token signature',
    ],
    ['an unsigned token (alg none)', unsigned(claimsFor('admin')), 'not accepted'],
    ['a token without exp', hs256({ sub: 'ada', role: 'admin' }, TEST_JWT_SECRET), 'exp'],
    ['a token with a role that does not exist', hs256(claimsFor('superuser'), TEST_JWT_SECRET), 'role'],
    ['a token that is not a JWT', 'not-a-token', 'neither an API key'],
  ])('%s is a 401 saying why', async (_case, token, reason) => {
    const response = await api.call('GET', ME, undefined, token);
    expect(response).toMatchObject({ status: 401, body: { error: 'unauthorized', message: expect.stringContaining(reason) } });
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  test('RS256 against the public key file; an HS256 token keyed with that public key is refused', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const dir = await mkdtemp(path.join(tmpdir(), 'jwt-'));
    const keyFile = path.join(dir, 'public.pem');
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    await writeFile(keyFile, pem);
    const authentication = authenticationFromEnv({ INSIGHT_HUB_JWT_PUBLIC_KEY_FILE: keyFile, INSIGHT_HUB_JWT_AUDIENCE: 'insight-hub' });
    const server = await startApiServer({ app: createApp({ store: api.store, temporal: api.client, authentication }), port: 0 });
    try {
      const good = rs256(claimsFor('manager', { sub: 'mia', aud: 'insight-hub' }), privateKey);
      expect(await request(server.url, 'GET', ME, undefined, good)).toMatchObject({
        status: 200,
        body: { subject: 'mia', role: 'manager' },
      });
      const otherAudience = rs256(claimsFor('manager', { aud: 'someone-else' }), privateKey);
      expect(await request(server.url, 'GET', ME, undefined, otherAudience)).toMatchObject({
        status: 401,
        body: { message: expect.stringContaining('aud') },
      });
      const confused = hs256(claimsFor('admin', { aud: 'insight-hub' }), pem);
      expect(await request(server.url, 'GET', ME, undefined, confused)).toMatchObject({
        status: 401,
        body: { message: expect.stringContaining('HS256') },
      });
    } finally {
      await server.close();
      await rm(dir, { recursive: true });
    }
  });

  test('settings name the variable and the rule', () => {
    expect(() => authenticationFromEnv({ INSIGHT_HUB_JWT_SECRET: 'short' })).toThrow(/INSIGHT_HUB_JWT_SECRET[\s\S]*32 characters/);
    expect(() => authenticationFromEnv({ INSIGHT_HUB_JWT_PUBLIC_KEY_FILE: '/nonexistent/key.pem' })).toThrow(
      /INSIGHT_HUB_JWT_PUBLIC_KEY_FILE/,
    );
  });
});

describe('a creative analyst', () => {
  test("works on their own connectors and gets a 403 on another user's", async () => {
    const analyst = uniqueName('analyst');
    const key = await api.keyFor('creative-analyst', analyst);
    const mine = await createConnector(api, connectorBody(analyst), key);
    const theirs = await createConnector(api, connectorBody(uniqueName('other')));
    const theirOwner = (await api.store.connectors.get(theirs))?.userId ?? '';

    expect(await api.call('GET', `${CONNECTORS}/${mine}`, undefined, key)).toMatchObject({ status: 200 });
    expect(await api.call('GET', `${CONNECTORS}/user/${analyst}`, undefined, key)).toMatchObject({
      status: 200,
      body: { connectors: [{ id: mine }] },
    });
    const refusals = [
      await api.call('GET', `${CONNECTORS}/${theirs}`, undefined, key),
      await api.call('GET', `${CONNECTORS}/${theirs}/analyze`, undefined, key),
      await api.call('PUT', `${CONNECTORS}/${theirs}`, { json: { name: 'mine now' } }, key),
      await api.call('DELETE', `${CONNECTORS}/${theirs}`, undefined, key),
      await api.call('GET', `${CONNECTORS}/user/${theirOwner}`, undefined, key),
      await api.call('POST', CONNECTORS, { json: connectorBody(theirOwner) }, key),
      await api.call('GET', `/api/v1/runs/${encodeURIComponent(`cycle/${theirs}/scheduled`)}`, undefined, key),
    ];
    for (const refused of refusals) {
      expect(refused).toMatchObject({ status: 403, body: { message: expect.stringContaining('own connectors only') } });
    }
    expect(await api.store.connectors.get(theirs)).toMatchObject({ name: expect.not.stringContaining('mine now') });
    const denied = (await api.store.audit.list(theirs)).filter((entry) => entry.activityType === 'access.denied');
    expect(denied).toHaveLength(5);
    expect(denied[0]?.details).toMatchObject({ actor: { subject: analyst, role: 'creative-analyst' } });
  });
});

describe('the audit trail', () => {
  test('records who changed what, and who read personal data, before the route runs', async () => {
    const lead = await api.keyFor('campaign-lead', 'lena');
    const connectorId = await createConnector(api, connectorBody(uniqueName('user')));
    expect(await api.call('POST', `${CONNECTORS}/${connectorId}/pause`)).toMatchObject({ status: 200 });
    const changes = (await api.store.audit.list(connectorId)).filter((entry) => entry.activityType === 'api.change-requested');
    expect(changes[0]).toMatchObject({
      userId: 'test-admin',
      details: {
        method: 'POST',
        route: `${CONNECTORS}/:id/pause`,
        params: { id: connectorId },
        actor: { subject: 'test-admin', role: 'admin' },
      },
    });
    expect(Date.parse(changes[0]?.createdAt ?? '')).toBeGreaterThan(Date.now() - 60_000);

    const readAt = Date.now();
    expect(await api.call('GET', `/api/v1/approvals?connectorId=${randomUUID()}`, undefined, lead)).toMatchObject({ status: 200 });
    const reads = (await api.store.audit.list(PLATFORM_AUDIT_ID, 1000)).filter(
      (entry) => entry.activityType === 'api.personal-data-read' && entry.userId === 'lena',
    );
    expect(reads).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({ route: '/api/v1/approvals', actor: expect.objectContaining({ role: 'campaign-lead' }) }),
      }),
    ]);
    expect(Date.parse(reads[0]?.createdAt ?? '')).toBeGreaterThanOrEqual(readAt - 1_000);
  });

  test('cannot be rewritten: the store refuses to update or delete an entry', async () => {
    const client = await openSqlClient({});
    const store = sqlStore(client);
    try {
      await store.migrate();
      const configId = randomUUID();
      await store.audit.record(
        { connectorId: configId, userId: 'lena' },
        { activityType: 'api.personal-data-read', details: { route: '/api/v1/approvals' } },
      );
      await expect(client.query("UPDATE connector_activity SET user_id = 'someone-else' WHERE config_id = $1", [configId])).rejects.toThrow(
        /append-only/,
      );
      await expect(client.query('DELETE FROM connector_activity WHERE config_id = $1', [configId])).rejects.toThrow(/append-only/);
      expect(await store.audit.list(configId)).toEqual([expect.objectContaining({ userId: 'lena' })]);
    } finally {
      await store.close();
    }
  });
});
