/**
 * The codec endpoint as the Temporal Web UI calls it over HTTP: JSON payloads in and out, CORS for
 * the UI's origin only, the namespace header checked, and an authorization seam ahead of decoding.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import express, { type RequestHandler } from 'express';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { parseKeyRing } from '../../activities/secrets';
import { AesGcmPayloadCodec, PAYLOAD_KEYS_VARIABLE, payloadDataConverter } from '../../activities/secrets/payload-codec';
import { CODEC_PATH, codecRoutes } from '../../api/codec-server';
import { startApiServer, type RunningServer } from '../../api/server';
import { useApiOnClient } from '../api/harness';
import { keyEntry } from '../secrets/fixtures';
import { testServerAddress, uniqueName } from '../support/temporal';

const UI_ORIGIN = 'http://127.0.0.1:8233';
const record = { email: 'grace.hopper@example.com', last_name: 'Hopper' };
const keyRing = parseKeyRing(keyEntry('k1'), PAYLOAD_KEYS_VARIABLE);
const codec = new AesGcmPayloadCodec(keyRing);

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}
const toJson = (payload: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});
const fromJson = (payload: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(payload.data, 'base64'),
});

describe('the codec endpoint', () => {
  let server: RunningServer;
  let authorized = true;
  const authorize: RequestHandler = (_req, res, next) => {
    if (authorized) return next();
    res.status(401).json({ error: 'unauthorized' });
  };

  beforeAll(async () => {
    const app = express();
    app.use(CODEC_PATH, codecRoutes(codec, { allowedOrigins: [UI_ORIGIN], namespaces: ['default'], authorize }));
    app.get('/api/v1/ping', (_req, res) => res.json({ ok: true }));
    server = await startApiServer({ app, port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    authorized = true;
  });

  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${CODEC_PATH}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI_ORIGIN, ...headers },
      body: JSON.stringify(body),
    });
  const payloadsOf = async (response: Response): Promise<JsonPayload[]> =>
    ((await response.json()) as { payloads: JsonPayload[] }).payloads;

  test('/decode shows what the worker encrypted; /encode encrypts what /decode can read', async () => {
    const stored = await codec.encode([defaultPayloadConverter.toPayload(record)]);
    const decoded = await post('/decode', { payloads: stored.map(toJson) });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect((await payloadsOf(decoded)).map((p) => defaultPayloadConverter.fromPayload(fromJson(p)))).toEqual([record]);

    const encoded = await post('/encode', { payloads: [toJson(defaultPayloadConverter.toPayload(record))] });
    const [sealed] = await payloadsOf(encoded);
    if (!sealed) throw new Error('no payload encoded');
    expect(Buffer.from(sealed.metadata.encoding ?? '', 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(sealed.data, 'base64').toString('latin1')).not.toContain(record.email);
    const [roundTrip] = await codec.decode([fromJson(sealed)]);
    expect(defaultPayloadConverter.fromPayload(roundTrip ?? {})).toEqual(record);
  });

  test('a preflight from the Web UI is allowed; one from another origin is refused without CORS headers', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}${CODEC_PATH}/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    authorized = false; // a preflight carries no credentials: it must not need them
    const allowed = await preflight(UI_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    const other = await preflight('https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('the authorize middleware runs before anything is decoded', async () => {
    authorized = false;
    const stored = await codec.encode([defaultPayloadConverter.toPayload(record)]);
    const refused = await post('/decode', { payloads: stored.map(toJson) });
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain('grace');
  });

  test('what `temporal workflow show` sends without --namespace is answered: an empty X-Namespace, and `{}` for a query without arguments', async () => {
    const stored = await codec.encode([defaultPayloadConverter.toPayload(record)]);
    const unnamed = await post('/decode', { payloads: stored.map(toJson) }, { 'x-namespace': '' });
    expect(unnamed.status).toBe(200);
    expect((await payloadsOf(unnamed)).map((p) => defaultPayloadConverter.fromPayload(fromJson(p)))).toEqual([record]);

    const empty = await post('/decode', {}, { 'x-namespace': '' });
    expect(empty.status).toBe(200);
    expect(await payloadsOf(empty)).toEqual([]);
  });

  test('another namespace, a malformed body and an undecodable payload get clear 4xx answers', async () => {
    const stored = await codec.encode([defaultPayloadConverter.toPayload(record)]);
    const elsewhere = await post('/decode', { payloads: stored.map(toJson) }, { 'x-namespace': 'billing' });
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.text()).toMatch(/X-Namespace.*billing/);

    const malformed = await post('/decode', { payloads: [{ data: 'not base64!' }] });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('payloads.0.data: must be base64');

    const foreign = await new AesGcmPayloadCodec(parseKeyRing(keyEntry('k9'), PAYLOAD_KEYS_VARIABLE)).encode([
      defaultPayloadConverter.toPayload(record),
    ]);
    const undecodable = await post('/decode', { payloads: foreign.map(toJson) });
    expect(undecodable.status).toBe(422);
    const { message } = (await undecodable.json()) as { message: string };
    expect(message).toMatch(/"k9".*INSIGHT_HUB_PAYLOAD_KEYS/);
  });

  test('a codec that fails, or answers what cannot be sent, is answered 500 by the error handler, and the server goes on serving', async () => {
    // decode rejects; encode resolves with a payload whose metadata is not bytes, so answering it throws.
    const failing = {
      decode: () => Promise.reject(new Error('key store offline')),
      encode: () => Promise.resolve([{ metadata: { encoding: 5 as unknown as Uint8Array }, data: new Uint8Array() }]),
    };
    const app = express();
    app.use(CODEC_PATH, codecRoutes(failing, { allowedOrigins: [UI_ORIGIN], namespaces: ['default'] }));
    app.get('/api/v1/ping', (_req, res) => res.json({ ok: true }));
    const failingServer = await startApiServer({ app, port: 0 });
    try {
      const stored = await codec.encode([defaultPayloadConverter.toPayload(record)]);
      for (const route of ['/decode', '/encode']) {
        const answer = await fetch(`${failingServer.url}${CODEC_PATH}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-namespace': 'default' },
          body: JSON.stringify({ payloads: stored.map(toJson) }),
        });
        expect({ route, status: answer.status }).toEqual({ route, status: 500 });
        expect(await answer.text()).not.toContain('grace');
      }
      expect(await (await fetch(`${failingServer.url}/api/v1/ping`)).json()).toEqual({ ok: true });
    } finally {
      await failingServer.close();
    }
  });

  test('routes beside it answer as before', async () => {
    const response = await fetch(`${server.url}/api/v1/ping`);
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe('the codec endpoint in the API, as the Web UI meets it', () => {
  // A client that encrypts as the workers do: the history the CLI reads holds only ciphertext.
  const api = useApiOnClient(
    async () =>
      new Client({
        connection: await Connection.connect({ address: testServerAddress() }),
        dataConverter: payloadDataConverter(keyRing),
      }),
    { codecEndpoint: { codec, allowedOrigins: [UI_ORIGIN], namespaces: ['default'] } },
  );

  const decode = async (origin: string, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${CODEC_PATH}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin, ...headers },
      body: JSON.stringify({ payloads: (await codec.encode([defaultPayloadConverter.toPayload(record)])).map(toJson) }),
    });

  test('the preflight for a call with the API key is allowed for the Web UI, with credentials', async () => {
    const preflight = await fetch(`${api.url}${CODEC_PATH}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const allowedHeaders = preflight.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/);
    expect(allowedHeaders).toEqual(expect.arrayContaining(['authorization', 'x-namespace', 'content-type']));

    const elsewhere = await fetch(`${api.url}${CODEC_PATH}/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('without a key the Web UI gets a 401 it can read (CORS headers on it) and nothing decrypted', async () => {
    const refused = await decode(UI_ORIGIN);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(refused.headers.get('access-control-allow-credentials')).toBe('true');
    const text = await refused.text();
    expect(text).not.toContain('grace');

    const wrongKey = await decode(UI_ORIGIN, { authorization: 'Bearer not-a-key' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);

    const otherOrigin = await decode('https://evil.example');
    expect(otherOrigin.status).toBe(401);
    expect(otherOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });

  test("with the operator's API key the Web UI gets the payloads decrypted", async () => {
    const decoded = await decode(UI_ORIGIN, { authorization: `Bearer ${api.adminKey}` });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const { payloads } = (await decoded.json()) as { payloads: JsonPayload[] };
    expect(payloads.map((p) => defaultPayloadConverter.fromPayload(fromJson(p)))).toEqual([record]);
  });

  test("`temporal workflow show` with the operator's API key (--codec-auth) shows the input decrypted, without it not", async () => {
    const workflowId = uniqueName('codec-cli');
    // Nobody runs this workflow: its start event (input encrypted by the client) is all the CLI reads.
    const handle = await api.client.workflow.start('codecProbe', { taskQueue: uniqueName('codec-cli'), workflowId, args: [record] });
    const cli = execFileSync('bash', ['scripts/temporal.sh', 'path'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    const show = async (...extra: string[]) =>
      (
        await promisify(execFile)(cli, [
          'workflow',
          'show',
          '--address',
          testServerAddress(),
          '--workflow-id',
          workflowId,
          '--codec-endpoint',
          `${api.url}${CODEC_PATH}`,
          '--output',
          'json',
          ...extra,
        ]).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ''}${error.stderr ?? ''}` }))
      ).stdout;
    // The JSON output keeps payload data in base64: decrypted, it is the record's JSON.
    const plainRecord = Buffer.from(JSON.stringify(record)).toString('base64');
    try {
      expect(await show('--codec-auth', `Bearer ${api.adminKey}`)).toContain(plainRecord);
      expect(await show()).not.toContain(plainRecord);
    } finally {
      await handle.terminate('test done');
    }
  });
});
