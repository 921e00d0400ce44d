/**
 * JWTs from a company's identity provider, verified with jose against a real JWKS served over HTTP:
 * keys picked by kid, a rotated key taken up without a restart, every refusal a 401 that says why
 * (and never quotes the token), the role read from a nested or namespaced claim and then enforced.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { z } from 'zod';
import { createApp } from '../../api/app';
import { verifyJwt } from '../../api/auth/jwt';
import { roleFromClaims } from '../../api/auth/role-claim';
import { authenticationFromEnv } from '../../api/auth/settings';
import { startApiServer, type RunningServer } from '../../api/server';
import { request, startApiHarness, type ApiHarness } from './harness';
import { hs256, unsigned } from './tokens';

const ME = '/api/v1/me';
const ISSUER = 'https://idp.example.com/realms/marketing';
const AUDIENCE = 'insight-hub';

interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  publicJwk: JWK;
  publicPem: string;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
    publicPem: await exportSPKI(publicKey),
  };
}

const inAnHour = (): number => Math.floor(Date.now() / 1_000) + 3_600;

/** Claims as a Keycloak realm would issue them: the roles nested under realm_access. */
const claims = (roles: string[], overrides: JWTPayload = {}): JWTPayload => ({
  sub: 'kim',
  iss: ISSUER,
  aud: AUDIENCE,
  exp: inAnHour(),
  realm_access: { roles },
  ...overrides,
});

const sign = (key: SigningKey, payload: JWTPayload, kid: string = key.kid): Promise<string> =>
  new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key.privateKey);

interface JwksServer {
  url: string;
  serve(keys: SigningKey[]): void;
  fetches(): number;
  close(): Promise<void>;
}

/** The identity provider's JWKS endpoint: serves whichever public keys it is told to. */
async function startJwksServer(): Promise<JwksServer> {
  let keys: JWK[] = [];
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = z.object({ port: z.number() }).parse(server.address());
  return {
    url: `http://127.0.0.1:${port}/protocol/openid-connect/certs`,
    serve: (next) => {
      keys = next.map((key) => key.publicJwk);
    },
    fetches: () => fetches,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let api: ApiHarness;
let jwks: JwksServer;
let server: RunningServer;
let keyA: SigningKey;
let keyB: SigningKey;
beforeAll(async () => {
  [api, jwks, keyA, keyB] = await Promise.all([startApiHarness(), startJwksServer(), signingKey('key-a'), signingKey('key-b')]);
  jwks.serve([keyA]);
  const authentication = authenticationFromEnv({
    INSIGHT_HUB_JWT_JWKS_URL: jwks.url,
    INSIGHT_HUB_JWT_JWKS_COOLDOWN_SECONDS: '1',
    INSIGHT_HUB_JWT_ISSUER: ISSUER,
    INSIGHT_HUB_JWT_AUDIENCE: AUDIENCE,
    INSIGHT_HUB_JWT_ROLE_CLAIM: 'realm_access.roles',
  });
  server = await startApiServer({ app: createApp({ store: api.store, temporal: api.client, authentication }), port: 0 });
});
afterAll(async () => {
  await server?.close();
  await jwks?.close();
  await api?.close();
});

const call = (method: string, path: string, token: string) => request(server.url, method, path, undefined, token);

describe('a JWKS URL', () => {
  test('a token signed by key A verifies; once the JWKS serves key B, a token with kid B verifies without a restart', async () => {
    expect(await call('GET', ME, await sign(keyA, claims(['data-scientist'])))).toMatchObject({
      status: 200,
      body: { subject: 'kim', role: 'data-scientist', credential: { kind: 'jwt', algorithm: 'RS256' } },
    });
    expect(jwks.fetches()).toBe(1);

    jwks.serve([keyB]);
    // jose fetches the set again for an unknown kid once its cooldown (1 s here) has passed.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await call('GET', ME, await sign(keyB, claims(['manager'])))).toMatchObject({
      status: 200,
      body: { subject: 'kim', role: 'manager' },
    });
    expect(jwks.fetches()).toBe(2);
  });

  test('clocks a little apart are tolerated (30 s by default)', async () => {
    const justExpired = await sign(keyB, claims(['manager'], { exp: Math.floor(Date.now() / 1_000) - 10 }));
    expect(await call('GET', ME, justExpired)).toMatchObject({ status: 200 });
  });

  const now = (): number => Math.floor(Date.now() / 1_000);
  test.each<[string, () => Promise<string>, string]>([
    [
      'a key the JWKS does not hold (unknown kid)',
      async () => sign(await signingKey('key-c'), claims(['admin'])),
      'unknown signing key: the JWKS has no key with kid "key-c"',
    ],
    ['an expired token', () => sign(keyB, claims(['admin'], { exp: now() - 120 })), 'the token expired at'],
    [
      'a token from another issuer',
      () => sign(keyB, claims(['admin'], { iss: 'https://evil.example.com' })),
      `another issuer (iss): this API takes tokens from ${ISSUER}`,
    ],
    [
      'a token for another audience',
      () => sign(keyB, claims(['admin'], { aud: 'another-api' })),
      `its audience (aud) does not include ${AUDIENCE}`,
    ],
    ['a token with no audience', () => sign(keyB, claims(['admin'], { aud: undefined })), 'no audience (aud)'],
    ['an unsigned token (alg none)', async () => unsigned(claims(['admin'])), 'token algorithm "none" is not accepted: only RS256'],
    [
      'an HS256 token keyed with the public key',
      async () => hs256(claims(['admin']), keyB.publicPem),
      'token algorithm "HS256" is not accepted: only RS256',
    ],
    ['a token signed by key A under kid B', () => sign(keyA, claims(['admin']), keyB.kid), 'bad token signature'],
    [
      'a token without the role claim',
      () => sign(keyB, claims([], { realm_access: undefined })),
      'the token has no role: the role claim "realm_access.roles" is missing',
    ],
    [
      'a token whose roles are none of Insight Hub’s',
      () => sign(keyB, claims(['offline_access', 'superuser'])),
      'names no role Insight Hub knows',
    ],
  ])('%s is a 401 saying why, without the token', async (_case, token, reason) => {
    const sent = await token();
    const response = await call('GET', ME, sent);
    expect(response).toMatchObject({ status: 401, body: { error: 'unauthorized', message: expect.stringContaining(reason) } });
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const [, payload = '', signature = ''] = sent.split('.');
    for (const part of [payload, signature].filter((text) => text.length > 0)) expect(JSON.stringify(response)).not.toContain(part);
  });

  test('the most privileged role a nested role claim names is the one RBAC applies', async () => {
    const token = await sign(keyB, claims(['offline_access', 'campaign-lead', 'manager', 'uma_authorization']));
    expect(await call('GET', ME, token)).toMatchObject({ status: 200, body: { role: 'manager' } });
    expect(await call('GET', `/api/v1/approvals?connectorId=${randomUUID()}`, token)).toMatchObject({ status: 200 });
    expect(await call('GET', '/api/v1/api-keys', token)).toMatchObject({
      status: 403,
      body: { error: 'forbidden', message: expect.stringContaining('this credential has manager') },
    });
  });

  test('an identity provider that cannot be reached is a 503, not a refused token', async () => {
    const gone = await startJwksServer();
    await gone.close();
    const { jwt } = authenticationFromEnv({ INSIGHT_HUB_JWT_JWKS_URL: gone.url, INSIGHT_HUB_JWT_ROLE_CLAIM: 'realm_access.roles' });
    await expect(verifyJwt(await sign(keyB, claims(['admin'])), jwt)).rejects.toMatchObject({
      status: 503,
      code: 'identity_provider_unavailable',
      message: expect.stringContaining('could not be reached (ECONNREFUSED)'),
    });
  });
});

describe('the role claim', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['a top-level claim', { role: 'admin' }, 'role'],
    ['a dotted path', { realm_access: { roles: ['campaign-lead', 'creative-analyst'] } }, 'realm_access.roles'],
    ['a namespaced claim holding dots', { 'https://example.com/roles': ['data-scientist', 'manager'] }, 'https://example.com/roles'],
    ['a dotted path through a namespaced claim', { 'https://example.com/app': { roles: ['manager'] } }, 'https://example.com/app.roles'],
    ['a list whose strongest role is admin', { groups: ['campaign-lead', 'admin', 'data-scientist'] }, 'groups'],
  ])('%s', (_case, payload, path) => {
    const expected = {
      role: 'admin',
      'realm_access.roles': 'creative-analyst',
      'https://example.com/roles': 'data-scientist',
      'https://example.com/app.roles': 'manager',
      groups: 'admin',
    };
    expect(roleFromClaims(payload, path)).toEqual({ found: true, role: z.record(z.string(), z.string()).parse(expected)[path] });
  });

  test('a claim path never reaches into the prototype', () => {
    expect(roleFromClaims({}, 'constructor.name')).toMatchObject({ found: false });
    expect(roleFromClaims({ role: { admin: true } }, 'role')).toMatchObject({
      found: false,
      reason: expect.stringContaining('a role name or a list'),
    });
  });
});

describe('settings', () => {
  const keyFile = { INSIGHT_HUB_JWT_PUBLIC_KEY_FILE: '/etc/insight-hub/idp.pem' };
  test.each<[string, NodeJS.ProcessEnv, RegExp]>([
    [
      'a JWKS over plain http to another host',
      { INSIGHT_HUB_JWT_JWKS_URL: 'http://idp.example.com/certs' },
      /INSIGHT_HUB_JWT_JWKS_URL: must be https/,
    ],
    ['a JWKS URL that is not one', { INSIGHT_HUB_JWT_JWKS_URL: 'idp.example.com' }, /INSIGHT_HUB_JWT_JWKS_URL: must be an http\(s\) URL/],
    [
      'a key file and a JWKS both',
      { ...keyFile, INSIGHT_HUB_JWT_JWKS_URL: 'https://idp.example.com/certs' },
      /INSIGHT_HUB_JWT_JWKS_URL: set INSIGHT_HUB_JWT_PUBLIC_KEY_FILE or INSIGHT_HUB_JWT_JWKS_URL, not both/,
    ],
    [
      'a symmetric algorithm for the JWKS',
      { INSIGHT_HUB_JWT_JWKS_URL: 'https://idp.example.com/certs', INSIGHT_HUB_JWT_JWKS_ALGORITHMS: 'RS256,HS256' },
      /INSIGHT_HUB_JWT_JWKS_ALGORITHMS/,
    ],
    [
      'JWKS options without a JWKS',
      { INSIGHT_HUB_JWT_JWKS_COOLDOWN_SECONDS: '5' },
      /INSIGHT_HUB_JWT_JWKS_COOLDOWN_SECONDS: applies only with INSIGHT_HUB_JWT_JWKS_URL/,
    ],
    [
      'a clock skew that is not seconds',
      { INSIGHT_HUB_JWT_CLOCK_SKEW_SECONDS: '1m' },
      /INSIGHT_HUB_JWT_CLOCK_SKEW_SECONDS: must be a whole number of seconds/,
    ],
    [
      'a clock skew of an hour',
      { INSIGHT_HUB_JWT_CLOCK_SKEW_SECONDS: '3600' },
      /INSIGHT_HUB_JWT_CLOCK_SKEW_SECONDS: must be at most 300 seconds/,
    ],
  ])('%s stops start-up naming the variable', (_case, env, message) => {
    expect(() => authenticationFromEnv(env)).toThrow(message);
  });
});
