/**
 * A local Brandwatch Consumer Research API over HTTP: the api-password token grant, the mentions
 * endpoint with cursor paging, and the rate limit with its headers. Driven by the connector's plain
 * fetch in tests; steered through the returned handle.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody, sendJson } from '../salesforce/http';
import { RequestLimiter, type RateLimit, type RequestRecord } from './limiter';
import { SimulatedProject, type Mention, type MentionFlaw, type SimQuery } from './mentions';
import { InvalidParameter, queryMentions } from './query';
import { listen, type ListenOptions } from '../listen';

export const BRANDWATCH_SIMULATOR_CREDENTIALS = { username: 'analyst@insight-hub.example', password: 'demo-password' } as const;
export const BRANDWATCH_SIMULATOR_PROJECT_ID = 1998160000;
export const BRANDWATCH_SIMULATOR_QUERIES: readonly [SimQuery, ...SimQuery[]] = [
  { id: 2000100001, name: 'Brand mentions' },
  { id: 2000100002, name: 'Competitor comparison' },
];

export interface BrandwatchSimulatorOptions extends ListenOptions {
  seed?: number;
  /** Mentions added over the `days` days before the start. */
  mentions?: number;
  days?: number;
  /** Share of mentions with each flaw; none by default. */
  flawRates?: Partial<Record<MentionFlaw, number>>;
  /** Brandwatch's: 30 requests per rolling 10 minutes. */
  rateLimit?: RateLimit;
  credentials?: { username: string; password: string };
}

export interface BrandwatchSimulator {
  url: string;
  port: number;
  projectId: number;
  queryIds: number[];
  credentials: { username: string; password: string };
  addMentions(count: number): void;
  mentions(): Mention[];
  throttleNext(times: number, retryAfterSeconds: number | null, after?: number): void;
  /** Stops accepting every token issued so far, as a revoked or expired token. */
  revokeTokens(): void;
  requests(): RequestRecord[];
  stop(): Promise<void>;
}

const UNAUTHORIZED = { error: 'unauthorized', error_description: 'Invalid authentication credentials found on request' };

interface Context {
  project: SimulatedProject;
  limiter: RequestLimiter;
  tokens: Set<string>;
  credentials: { username: string; password: string };
  projectId: number;
  queries: readonly SimQuery[];
}

/** The password as the docs' curl sends it (form body), as the vendor OpenAPI has it (JSON body), or in the query. */
async function passwordOf(req: IncomingMessage, url: URL): Promise<string | null> {
  const text = await readBody(req);
  if (text.trim().startsWith('{')) {
    try {
      const body: unknown = JSON.parse(text);
      return typeof body === 'object' && body !== null && 'password' in body && typeof body.password === 'string' ? body.password : null;
    } catch {
      return null;
    }
  }
  return new URLSearchParams(text).get('password') ?? url.searchParams.get('password');
}

async function handleToken(req: IncomingMessage, res: ServerResponse, url: URL, ctx: Context): Promise<void> {
  const password = await passwordOf(req, url);
  const grantOk = url.searchParams.get('grant_type') === 'api-password' && url.searchParams.get('client_id') === 'brandwatch-api-client';
  if (!grantOk || url.searchParams.get('username') !== ctx.credentials.username || password !== ctx.credentials.password) {
    return sendJson(res, 401, UNAUTHORIZED);
  }
  const token = randomBytes(18).toString('hex');
  ctx.tokens.add(token);
  sendJson(res, 200, { access_token: token, token_type: 'bearer', expires_in: 31_535_999, scope: 'read write trust' });
}

function bearerOf(req: IncomingMessage, url: URL): string | null {
  const header = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return header?.[1] ?? url.searchParams.get('access_token');
}

/** The project the request names, when its bearer token is valid and the project is this one; else answered. */
function authorizedProject(req: IncomingMessage, res: ServerResponse, url: URL, ctx: Context, headers: Record<string, string>): boolean {
  const token = bearerOf(req, url);
  if (!token || !ctx.tokens.has(token)) {
    sendJson(res, 401, UNAUTHORIZED, headers);
    return false;
  }
  const projectId = Number(/^\/projects\/([^/]+)\//.exec(url.pathname)?.[1]);
  if (projectId !== ctx.projectId) {
    sendJson(res, 404, { errors: [{ code: 404, message: `Project ${projectId} not found` }] }, headers);
    return false;
  }
  return true;
}

function handleMentions(req: IncomingMessage, res: ServerResponse, url: URL, ctx: Context, headers: Record<string, string>): void {
  if (!authorizedProject(req, res, url, ctx, headers)) return;
  try {
    sendJson(res, 200, queryMentions(ctx.project.all(), url.searchParams), headers);
  } catch (error) {
    if (error instanceof InvalidParameter) return sendJson(res, 400, { errors: [{ code: 400, message: error.message }] }, headers);
    throw error;
  }
}

/** The project's queries, as Brandwatch's `queries/summary` lists them (one page holds them all here). */
function handleQueries(req: IncomingMessage, res: ServerResponse, url: URL, ctx: Context, headers: Record<string, string>): void {
  if (!authorizedProject(req, res, url, ctx, headers)) return;
  const results = ctx.queries.map((q) => ({ id: q.id, name: q.name, type: 'search string' }));
  sendJson(res, 200, { resultsTotal: results.length, resultsPage: 0, resultsPageSize: results.length, results }, headers);
}

const MENTIONS_PATH = /^\/projects\/[^/]+\/data\/mentions$/;
const QUERIES_PATH = /^\/projects\/[^/]+\/queries\/summary$/;

function endpointOf(pathname: string): RequestRecord['endpoint'] {
  if (pathname === '/oauth/token') return 'token';
  if (MENTIONS_PATH.test(pathname)) return 'mentions';
  return QUERIES_PATH.test(pathname) ? 'queries' : 'unknown';
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const now = Date.now();
  const url = new URL(req.url ?? '/', 'http://simulator.local');
  const endpoint = endpointOf(url.pathname);
  res.on('finish', () => ctx.limiter.record({ at: now, endpoint, status: res.statusCode }));
  const admission = ctx.limiter.admit(now);
  const headers = { 'x-rate-limit': ctx.limiter.describe(), 'x-rate-limit-used': String(admission.used) };
  if (admission.kind === 'throttled') {
    const retryAfter: Record<string, string> =
      admission.retryAfterSeconds === null ? {} : { 'Retry-After': String(admission.retryAfterSeconds) };
    return sendJson(res, 429, { errors: [{ code: 429, message: 'Rate limit exceeded' }] }, { ...headers, ...retryAfter });
  }
  if (endpoint === 'token' && (req.method === 'POST' || req.method === 'GET')) return handleToken(req, res, url, ctx);
  if (endpoint === 'mentions' && req.method === 'GET') return handleMentions(req, res, url, ctx, headers);
  if (endpoint === 'queries' && req.method === 'GET') return handleQueries(req, res, url, ctx, headers);
  sendJson(res, 404, { errors: [{ code: 404, message: `No endpoint ${req.method ?? ''} ${url.pathname}` }] }, headers);
}

export async function startBrandwatchSimulator(options: BrandwatchSimulatorOptions = {}): Promise<BrandwatchSimulator> {
  const project = new SimulatedProject(options.seed ?? 7, BRANDWATCH_SIMULATOR_QUERIES, options.flawRates ?? {});
  project.generate(options.mentions ?? 200, options.days ?? 14, Date.now());
  const ctx: Context = {
    project,
    limiter: new RequestLimiter(options.rateLimit ?? { requests: 30, windowMs: 600_000 }),
    tokens: new Set(),
    credentials: options.credentials ?? BRANDWATCH_SIMULATOR_CREDENTIALS,
    projectId: BRANDWATCH_SIMULATOR_PROJECT_ID,
    queries: BRANDWATCH_SIMULATOR_QUERIES,
  };
  const server = createServer((req, res) => {
    route(req, res, ctx).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { errors: [{ code: 500, message: error instanceof Error ? error.message : String(error) }] });
    });
  });
  const { host, port } = await listen(server, options);
  return {
    url: `http://${host}:${port}`,
    port,
    projectId: ctx.projectId,
    queryIds: BRANDWATCH_SIMULATOR_QUERIES.map((q) => q.id),
    credentials: ctx.credentials,
    addMentions: (count) => project.addNew(count, Date.now()),
    mentions: () => project.all(),
    throttleNext: (times, retryAfterSeconds, after) => ctx.limiter.throttleNext(times, retryAfterSeconds, after),
    revokeTokens: () => ctx.tokens.clear(),
    requests: () => ctx.limiter.requests(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
