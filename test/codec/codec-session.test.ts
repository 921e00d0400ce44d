/**
 * The Web UI's way in to the codec, over HTTP: /codec/session keeps an operator's credential in a
 * cookie only the codec takes, for a role that may read payloads; each codec call checks it again.
 */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { parseKeyRing } from '../../activities/secrets';
import { AesGcmPayloadCodec, PAYLOAD_KEYS_VARIABLE } from '../../activities/secrets/payload-codec';
import { createApp } from '../../api/app';
import { issueApiKey } from '../../api/auth/issue-api-key';
import { CODEC_PATH } from '../../api/codec-server';
import { startApiServer } from '../../api/server';
import { keyEntry } from '../secrets/fixtures';
import { useFixture } from '../support/fixture';
import { useStore } from '../support/store';
import { testServerAddress } from '../support/temporal';

const UI_ORIGIN = 'http://127.0.0.1:8233';
const record = { email: 'ada.lovelace@example.com' };
const codec = new AesGcmPayloadCodec(parseKeyRing(keyEntry('k1'), PAYLOAD_KEYS_VARIABLE));
const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

const stored = useStore();
const api = useFixture('the API with the codec', async (defer) => {
  const temporal = new Client({ connection: Connection.lazy({ address: testServerAddress() }) });
  defer(() => temporal.connection.close());
  const codecEndpoint = { codec, allowedOrigins: [UI_ORIGIN], namespaces: ['default'] };
  const server = await startApiServer({
    app: createApp({ store: stored.store, temporal, codecEndpoint, authentication: { jwt: {} } }),
    port: 0,
  });
  defer(() => server.close());
  return server;
});

const signIn = (key: string) => fetch(`${api().url}${CODEC_PATH}/session`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
/** The `name=value` part of a Set-Cookie header: what the browser sends back. */
const cookieOf = (response: Response): string => (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
const decodeWith = async (cookie: string) =>
  fetch(`${api().url}${CODEC_PATH}/decode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI_ORIGIN, cookie },
    body: JSON.stringify({ payloads: (await codec.encode([defaultPayloadConverter.toPayload(record)])).map(toJson) }),
  });

test('signing in sets an HttpOnly, SameSite=Strict cookie for /codec that decodes for the Web UI, and nothing else accepts it', async () => {
  const operator = await issueApiKey(stored.store, { subject: 'operator-grace', role: 'data-scientist' }, 'test');
  const signedIn = await signIn(operator.key);
  expect(signedIn.status).toBe(200);
  expect(await signedIn.json()).toEqual({ subject: 'operator-grace', role: 'data-scientist', expiresAt: expect.any(String) });
  const setCookie = signedIn.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/^ih_codec_session=ihk_/);
  expect(setCookie).toMatch(/; Max-Age=28800;/);
  expect(setCookie).toContain('; Path=/codec;');
  expect(setCookie).toContain('; HttpOnly');
  expect(setCookie).toContain('; SameSite=Strict');

  const decoded = await decodeWith(cookieOf(signedIn));
  expect(decoded.status).toBe(200);
  expect(decoded.headers.get('access-control-allow-credentials')).toBe('true');
  const [payload] = ((await decoded.json()) as { payloads: { data: string }[] }).payloads;
  expect(JSON.parse(Buffer.from(payload?.data ?? '', 'base64').toString())).toEqual(record);

  // The cookie is a credential for the codec alone: the rest of the API asks for a header.
  const elsewhere = await fetch(`${api().url}/api/v1/me`, { headers: { cookie: cookieOf(signedIn) } });
  expect(elsewhere.status).toBe(401);
});

test('a role that may not read payloads gets no session; a revoked key ends one at once; signing out clears it', async () => {
  const manager = await issueApiKey(stored.store, { subject: 'manager-max', role: 'manager' }, 'test');
  const refused = await signIn(manager.key);
  expect(refused.status).toBe(403);
  expect(((await refused.json()) as { message: string }).message).toMatch(/data-scientist or admin; this credential has manager/);
  expect(refused.headers.get('set-cookie')).toBeNull();

  const revocable = await issueApiKey(stored.store, { subject: 'operator-leaving', role: 'admin' }, 'test');
  const cookie = cookieOf(await signIn(revocable.key));
  expect((await decodeWith(cookie)).status).toBe(200);
  await stored.store.apiKeys.revoke(revocable.apiKey.id);
  const afterRevocation = await decodeWith(cookie);
  expect(afterRevocation.status).toBe(401);
  expect(await afterRevocation.text()).toMatch(/revoked/);

  const signedOut = await fetch(`${api().url}${CODEC_PATH}/session`, { method: 'DELETE' });
  expect(signedOut.status).toBe(204);
  expect(signedOut.headers.get('set-cookie')).toMatch(/^ih_codec_session=; Path=\/codec; Expires=Thu, 01 Jan 1970/);
});
