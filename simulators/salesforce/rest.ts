/**
 * The REST endpoints jsforce 3 calls: the OAuth password grant, query, queryAll, queryMore by
 * locator, limits, and Bulk API 2.0 query jobs (bulk.ts). Every data response carries Sforce-Limit-Info, as Salesforce's does.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bulkEndpoint, type BulkQueryJobs } from './bulk';
import type { ActiveThrottle, ApiGate, Endpoint } from './gate';
import { readBody, sendJson } from './http';
import type { QueryPage, SimulatedOrg } from './org';
import { findObject } from './schema';
import { SoqlError } from './soql';
import { errorBody, wireRecord } from './wire';

export interface OAuthCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

export interface RestContext {
  org: SimulatedOrg;
  gate: ApiGate;
  bulk: BulkQueryJobs;
  credentials: OAuthCredentials;
  orgId: string;
  userId: string;
  /** Base URL the simulator is reachable at (the instance URL). */
  baseUrl: () => string;
}

const DATA_PATH = /^\/services\/data\/v(\d+\.\d)\/(query|queryAll|limits)(?:\/([^/]+))?\/?$/;
const DESCRIBE_PATH = /^\/services\/data\/v\d+\.\d\/sobjects\/(\w+)\/describe\/?$/;

/** Which endpoint a data path names, for the request log. */
export function classifyDataPath(path: string): Endpoint {
  if (DESCRIBE_PATH.test(path)) return 'describe';
  const bulk = bulkEndpoint(path);
  if (bulk) return bulk;
  const match = DATA_PATH.exec(path);
  if (!match) return 'unknown';
  if (match[2] === 'limits') return match[3] ? 'unknown' : 'limits';
  if (match[3]) return 'queryMore';
  return match[2] === 'queryAll' ? 'queryAll' : 'query';
}

const THROTTLE_DEFAULTS: Record<ActiveThrottle['status'], { errorCode: string; message: string }> = {
  403: { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.' },
  420: { errorCode: 'TOO_MANY_REQUESTS', message: 'Request rate limited; retry later.' },
  429: { errorCode: 'TOO_MANY_REQUESTS', message: 'Too many requests; retry later.' },
  500: { errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred.' },
  502: { errorCode: 'SERVER_UNAVAILABLE', message: 'Bad gateway.' },
  503: { errorCode: 'SERVER_UNAVAILABLE', message: 'The server is temporarily unable to serve the request.' },
  504: { errorCode: 'SERVER_UNAVAILABLE', message: 'Gateway timeout.' },
};

export async function handleToken(req: IncomingMessage, res: ServerResponse, ctx: RestContext): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request', error_description: 'must use HTTP POST' });
  const form = new URLSearchParams(await readBody(req));
  const expected = ctx.credentials;
  if (form.get('grant_type') !== 'password') {
    return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  }
  if (form.get('client_id') !== expected.clientId) {
    return sendJson(res, 400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
  }
  if (form.get('client_secret') !== expected.clientSecret) {
    return sendJson(res, 400, { error: 'invalid_client', error_description: 'invalid client credentials' });
  }
  if (form.get('username') !== expected.username || form.get('password') !== expected.password) {
    return sendJson(res, 400, { error: 'invalid_grant', error_description: 'authentication failure' });
  }
  const issuedAt = String(Date.now());
  const base = ctx.baseUrl();
  const id = `${base}/id/${ctx.orgId}/${ctx.userId}`;
  sendJson(res, 200, {
    access_token: ctx.gate.issueToken(),
    instance_url: base,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
    signature: createHmac('sha256', expected.clientSecret)
      .update(id + issuedAt)
      .digest('base64'),
  });
}

/** Auth, then throttle, then quota, then the endpoint itself. */
export async function handleData(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RestContext): Promise<void> {
  const limitInfo = (): Record<string, string> => {
    const { used, max } = ctx.gate.quota();
    return { 'Sforce-Limit-Info': `api-usage=${used}/${max}` };
  };
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!bearer || !ctx.gate.isValidToken(bearer)) {
    return sendJson(res, 401, errorBody('INVALID_SESSION_ID', 'Session expired or invalid'));
  }
  const throttle = ctx.gate.takeThrottle(classifyDataPath(url.pathname));
  if (throttle) {
    const defaults = THROTTLE_DEFAULTS[throttle.status];
    const retryAfter: Record<string, string> =
      throttle.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(throttle.retryAfterSeconds) };
    const body = errorBody(throttle.errorCode ?? defaults.errorCode, throttle.message ?? defaults.message);
    return sendJson(res, throttle.status, body, { ...limitInfo(), ...retryAfter });
  }
  if (!ctx.gate.spendApiCall()) {
    return sendJson(res, 403, errorBody('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), limitInfo());
  }
  if (bulkEndpoint(url.pathname)) return ctx.bulk.handle(req, res, url, limitInfo());
  const [status, body] = dataResponse(url, ctx);
  sendJson(res, status, body, limitInfo());
}

function dataResponse(url: URL, ctx: RestContext): [number, unknown] {
  const described = DESCRIBE_PATH.exec(url.pathname)?.[1];
  if (described !== undefined) {
    const object = findObject(described)?.name;
    if (!object)
      return [404, errorBody('NOT_FOUND', `The requested resource does not exist: sObject type '${described}' is not supported.`)];
    return [200, ctx.org.describe(object)];
  }
  const match = DATA_PATH.exec(url.pathname);
  if (!match?.[1] || !match[2]) return [404, errorBody('NOT_FOUND', 'The requested resource does not exist')];
  const version = match[1];
  if (match[2] === 'limits') {
    const { used, max } = ctx.gate.quota();
    return [200, { DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) } }];
  }
  if (match[3]) {
    const page = ctx.org.queryMore(match[3]);
    return page ? [200, pageBody(page, version)] : [400, errorBody('INVALID_QUERY_LOCATOR', 'invalid query locator')];
  }
  const soql = url.searchParams.get('q');
  if (!soql) return [400, errorBody('MALFORMED_QUERY', "A query string has to be specified with the 'q' parameter")];
  try {
    return [200, pageBody(ctx.org.query(soql, match[2] === 'queryAll'), version)];
  } catch (error) {
    if (error instanceof SoqlError) return [400, errorBody(error.errorCode, error.message)];
    throw error;
  }
}

function pageBody(page: QueryPage, version: string): Record<string, unknown> {
  const records = page.records.map((r) => wireRecord(page.schema, page.fields, r, version));
  const next = page.nextLocator ? { nextRecordsUrl: `/services/data/v${version}/query/${page.nextLocator}` } : {};
  return { totalSize: page.totalSize, done: page.nextLocator === null, ...next, records };
}
