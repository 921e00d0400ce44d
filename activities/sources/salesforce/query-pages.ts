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
import type { SourcePage } from '../types';
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

const THROTTLE_STATUSES = new Set([420, 429, 503]);
const QUERY_REJECTIONS = new Set(['INVALID_FIELD', 'INVALID_TYPE', 'MALFORMED_QUERY', 'INVALID_QUERY_FILTER_OPERATOR']);

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

export async function fetchPage(conn: Connection, url: string, config: SalesforceSourceConfig, signal: AbortSignal): Promise<PageResult> {
  const transport = new RecordingTransport();
  let body: unknown;
  try {
    body = await untilAborted(conn.request<unknown>({ method: 'GET', url }, { ...NO_RETRY, transport }), signal);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (errorCodeOf(error) === 'INVALID_QUERY_LOCATOR') return { kind: 'locator-expired' };
    const failure = pageFailure(error, transport.last, config);
    if (failure instanceof ConnectorError) throw failure;
    return failure;
  }
  return { kind: 'page', page: parseBody(queryResponseSchema, body, { service: 'Salesforce', action: 'a query' }) };
}

/** Stops once this connector's share of the org's rolling daily quota is spent. */
export function quotaStop(conn: Connection, share: number): SourcePage['stop'] {
  const usage = conn.limitInfo.apiUsage;
  if (!usage || usage.limit <= 0 || usage.used / usage.limit < share) return undefined;
  const percent = Math.round(share * 100);
  const detail = `API usage ${usage.used}/${usage.limit} reached this connector's ${percent}% share of the daily quota`;
  return { reason: 'daily-api-quota', detail };
}
