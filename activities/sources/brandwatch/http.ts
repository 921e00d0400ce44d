/**
 * One HTTP exchange with Brandwatch, and its failures as the error taxonomy. Brandwatch answers a
 * throttled client with 429 and no Retry-After, so a throttle usually carries no wait: the retry
 * policy's backoff (with jitter) applies.
 */
import { ConnectorError, parseRetryAfter, RateLimitedError } from '../../errors';
import type { ReportedUsage } from '../types';

/** Brandwatch answers in seconds; past a minute the request is abandoned and retried by Temporal. */
const REQUEST_TIMEOUT_MS = 60_000;

export interface BrandwatchResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function send(url: URL, init: RequestInit, signal: AbortSignal): Promise<BrandwatchResponse> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const message = error instanceof Error ? error.message : String(error);
    throw new ConnectorError('transient', `Brandwatch did not answer ${url.pathname}: ${message}`);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: response.status, headers: response.headers, body };
}

/** Brandwatch's OAuth-style error text, which names the problem but never echoes a credential. */
function errorText(body: unknown): string {
  if (typeof body !== 'object' || body === null) return 'no error body';
  const description = 'error_description' in body ? body.error_description : 'errors' in body ? JSON.stringify(body.errors) : undefined;
  const error = 'error' in body ? body.error : undefined;
  return [error, description].filter((part) => typeof part === 'string' && part.length > 0).join(': ') || 'no error text';
}

/** A non-2xx answer as the taxonomy; `action` says what was asked, e.g. `mentions of project 42`. */
export function brandwatchFailure(response: BrandwatchResponse, action: string): ConnectorError {
  const what = `Brandwatch answered ${action} with HTTP ${response.status} (${errorText(response.body)})`;
  const { status } = response;
  if (status === 429) return new RateLimitedError(what, parseRetryAfter(response.headers.get('retry-after')));
  if (status === 401) return new ConnectorError('auth', what, "check the connector's username and password");
  if (status === 403) return new ConnectorError('auth', what, 'the user needs access to the project and its queries');
  if (status === 404) return new ConnectorError('config', what, "check the connector's projectId and queryIds");
  if (status === 400) return new ConnectorError('config', what, "check the connector's queryIds");
  if (status >= 500) return new ConnectorError('transient', what);
  return new ConnectorError('system', what);
}

const RATE_LIMIT = /^(\d+)\/(.+)$/;

/** `x-rate-limit: 30/10m` and `x-rate-limit-used: 12`, sent with every response. */
export function rateLimitUsage(headers: Headers): ReportedUsage | undefined {
  const limit = RATE_LIMIT.exec(headers.get('x-rate-limit') ?? '');
  const used = Number(headers.get('x-rate-limit-used') ?? Number.NaN);
  if (!limit || !Number.isFinite(used)) return undefined;
  return { used, limit: Number(limit[1]), scope: `Brandwatch requests per ${limit[2]}` };
}
