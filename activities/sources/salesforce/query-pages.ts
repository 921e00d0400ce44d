/**
 * One page of a query over a connection. Pages are fetched with `conn.request` rather than
 * `conn.query` because only `request` accepts per-call options: jsforce's own retry (5 tries,
 * 0.5 s × 2^n, blind to Retry-After) is switched off so that a throttle becomes a RateLimitedError
 * and Temporal's durable retry waits exactly what Salesforce asked; and a recording transport keeps
 * the HTTP status and headers, which jsforce's errors do not carry.
 */
import type { Connection } from 'jsforce/lib/connection';
import { Transport } from 'jsforce/lib/transport';
import type { HttpRequest, HttpRequestOptions, HttpResponse } from 'jsforce/lib/types';
import type { StreamPromise } from 'jsforce/lib/util/promise';
import { z } from 'zod';
import { ConnectorError, parseRetryAfter, RateLimitedError } from '../../errors';
import { untilAborted } from '../abort';
import { parseBody } from '../http-kit';
import type { Row, SourcePage } from '../types';
import type { SalesforceSourceConfig } from './definition';

/** The default transport, remembering the last HTTP response so that errors can be classified. */
class RecordingTransport extends Transport {
  last: HttpResponse | null = null;

  override httpRequest(req: HttpRequest, options?: HttpRequestOptions): StreamPromise<HttpResponse> {
    const pending = super.httpRequest(req, options);
    void pending.then(
      (response) => {
        this.last = response;
      },
      () => undefined,
    );
    return pending;
  }
}

/** No in-process retry at all (not even jsforce's two 420 retries): Temporal retries durably. */
const NO_RETRY: HttpRequestOptions = { retry: { methods: [] } };

const queryResponseSchema = z.object({
  totalSize: z.number(),
  done: z.boolean(),
  nextRecordsUrl: z.string().min(1).optional(),
  records: z.array(z.record(z.string(), z.unknown())),
});
type QueryResponse = z.infer<typeof queryResponseSchema>;

export type PageResult = { kind: 'page'; page: QueryResponse } | { kind: 'quota-exhausted'; detail: string } | { kind: 'locator-expired' };

/** What a page's requests read (REST or bulk): its rows and the next page's token, or a daily-quota stop. */
export type PageRead =
  | { kind: 'rows'; rows: Row[]; requests: number; nextPageToken: string | null }
  | { kind: 'quota-exhausted'; detail: string; requests: number };

const THROTTLE_STATUSES = new Set([420, 429, 503]);
const QUERY_REJECTIONS = new Set(['INVALID_FIELD', 'INVALID_TYPE', 'MALFORMED_QUERY', 'INVALID_QUERY_FILTER_OPERATOR']);

/**
 * An error answer to a request that took its body as text: jsforce did not parse Salesforce's JSON
 * error ([{ errorCode, message }]) and names only the HTTP status, so the code is read back from it.
 */
function errorOfTextAnswer(error: unknown): unknown {
  if (!(error instanceof Error) || !('errorCode' in error) || !String(error.errorCode).startsWith('ERROR_HTTP_')) return error;
  let parsed: unknown;
  try {
    parsed = JSON.parse(error.message);
  } catch {
    return error; // not Salesforce's JSON: the HTTP status is all there is
  }
  const [first] = [parsed].flat() as unknown[];
  if (typeof first !== 'object' || first === null || !('errorCode' in first) || typeof first.errorCode !== 'string') return error;
  const message = 'message' in first && typeof first.message === 'string' ? first.message : error.message;
  return Object.assign(new Error(message), { errorCode: first.errorCode });
}

function errorCodeOf(error: unknown): string {
  if (error instanceof Error && 'errorCode' in error && typeof error.errorCode === 'string') return error.errorCode;
  return error instanceof Error ? error.name : 'unknown';
}

/** A failed page request as the error taxonomy, or as a daily-quota stop. */
function pageFailure(
  error: unknown,
  response: HttpResponse | null,
  config: SalesforceSourceConfig,
): ConnectorError | { kind: 'quota-exhausted'; detail: string } {
  const code = errorCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const status = response?.statusCode;
  const what = `Salesforce answered HTTP ${status ?? 'none'} ${code}: ${message}`;
  if (status === 403 && code === 'REQUEST_LIMIT_EXCEEDED' && !/concurrent/i.test(message)) {
    return { kind: 'quota-exhausted', detail: what };
  }
  const retryAfterMs = parseRetryAfter(response?.headers['retry-after']);
  if ((status !== undefined && THROTTLE_STATUSES.has(status)) || code === 'REQUEST_LIMIT_EXCEEDED') {
    return new RateLimitedError(what, retryAfterMs);
  }
  if (status === 401 || code === 'INVALID_SESSION_ID') {
    const hint =
      config.auth.type === 'access-token'
        ? 'the access token expired or was revoked: update the connector with a fresh token, or use oauth-password'
        : 'the session was refused right after login: check that the user has API access';
    return new ConnectorError('auth', what, hint);
  }
  if (status === 403) {
    return new ConnectorError('auth', what, 'the user needs the "API Enabled" permission and read access to the object');
  }
  if (QUERY_REJECTIONS.has(code)) {
    const hint = 'the org lacks a field the stream selects, or field-level security hides it from the user';
    return new ConnectorError('config', what, hint);
  }
  if (!response || status === undefined || status >= 500) {
    return new ConnectorError('transient', what);
  }
  return new ConnectorError('system', what);
}

/** An answer of the API: a body with its headers, a daily-quota stop, or one of the error codes the caller expects. */
export type SalesforceAnswer =
  | { kind: 'response'; body: unknown; headers: Readonly<Record<string, string>> }
  | { kind: 'quota-exhausted'; detail: string }
  | { kind: 'refused'; errorCode: string };

/**
 * One request of the REST API (a url relative to the version's root, or a full path), its
 * failures classified; the error codes in `expected` are answers for the caller, not failures.
 */
export async function sendRequest(
  conn: Connection,
  request: HttpRequest,
  config: SalesforceSourceConfig,
  signal: AbortSignal,
  expected: ReadonlySet<string> = new Set(),
  /** jsforce's own options beside ours, e.g. `responseType` to take a body as text instead of parsed. */
  options: { responseType?: string } = {},
): Promise<SalesforceAnswer> {
  const transport = new RecordingTransport();
  try {
    const body = await untilAborted(conn.request<unknown>(request, { ...options, ...NO_RETRY, transport }), signal);
    return { kind: 'response', body, headers: transport.last?.headers ?? {} };
  } catch (thrown) {
    if (signal.aborted) throw signal.reason;
    const error = options.responseType ? errorOfTextAnswer(thrown) : thrown;
    const errorCode = errorCodeOf(error);
    if (expected.has(errorCode)) return { kind: 'refused', errorCode };
    const failure = pageFailure(error, transport.last, config);
    if (failure instanceof ConnectorError) throw failure;
    return failure;
  }
}

const LOCATOR_EXPIRY = new Set(['INVALID_QUERY_LOCATOR']);

/** One GET of the REST API, its failures classified. */
export async function requestJson(
  conn: Connection,
  url: string,
  config: SalesforceSourceConfig,
  signal: AbortSignal,
): Promise<{ kind: 'body'; body: unknown } | Exclude<PageResult, { kind: 'page' }>> {
  const answer = await sendRequest(conn, { method: 'GET', url }, config, signal, LOCATOR_EXPIRY);
  if (answer.kind === 'refused') return { kind: 'locator-expired' };
  if (answer.kind === 'response') return { kind: 'body', body: answer.body };
  return answer;
}

export async function fetchPage(conn: Connection, url: string, config: SalesforceSourceConfig, signal: AbortSignal): Promise<PageResult> {
  const result = await requestJson(conn, url, config, signal);
  if (result.kind !== 'body') return result;
  return { kind: 'page', page: parseBody(queryResponseSchema, result.body, { service: 'Salesforce', action: 'a query' }) };
}

/** Stops once this connector's share of the org's rolling daily quota is spent. */
export function quotaStop(conn: Connection, share: number): SourcePage['stop'] {
  const usage = conn.limitInfo.apiUsage;
  if (!usage || usage.limit <= 0 || usage.used / usage.limit < share) return undefined;
  const percent = Math.round(share * 100);
  const detail = `API usage ${usage.used}/${usage.limit} reached this connector's ${percent}% share of the daily quota`;
  return { reason: 'daily-api-quota', detail };
}
