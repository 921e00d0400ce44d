/**
 * One HTTP exchange with Brandwatch, and its failures as the error taxonomy. Brandwatch answers a
 * throttled client with 429 and no Retry-After, so a throttle usually carries no wait: the retry
 * policy's backoff (with jitter) applies.
 */
import type { ConnectorError } from '../../errors';
import { answered, readJson, send, statusFailure, type HttpCall, type StatusRules } from '../http-kit';
import type { ReportedUsage } from '../types';

/** Brandwatch answers in seconds; past a minute the request is abandoned and retried by Temporal. */
const REQUEST_TIMEOUT_MS = 60_000;

export interface BrandwatchResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function request(url: URL, init: RequestInit, call: HttpCall, signal: AbortSignal): Promise<BrandwatchResponse> {
  const response = await send(url, init, call, signal, REQUEST_TIMEOUT_MS);
  return { status: response.status, headers: response.headers, body: await readJson(response, call) };
}

/** Brandwatch's OAuth-style error text, which names the problem but never echoes a credential. */
function errorText(body: unknown): string {
  if (typeof body !== 'object' || body === null) return 'no error body';
  const description = 'error_description' in body ? body.error_description : 'errors' in body ? JSON.stringify(body.errors) : undefined;
  const error = 'error' in body ? body.error : undefined;
  return [error, description].filter((part) => typeof part === 'string' && part.length > 0).join(': ') || 'no error text';
}

const RULES: StatusRules = {
  refusals: {
    401: { category: 'auth', hint: "check the connector's username and password" },
    403: { category: 'auth', hint: 'the user needs access to the project and its queries' },
    404: { category: 'config', hint: "check the connector's projectId and queryIds" },
    400: { category: 'config', hint: "check the connector's queryIds" },
  },
};

/** A non-2xx answer as the taxonomy. */
export const brandwatchFailure = (response: BrandwatchResponse, call: HttpCall): ConnectorError =>
  statusFailure(response, answered(call, response.status, errorText(response.body)), RULES);

const RATE_LIMIT = /^(\d+)\/(.+)$/;

/** `x-rate-limit: 30/10m` and `x-rate-limit-used: 12`, sent with every response. */
export function rateLimitUsage(headers: Headers): ReportedUsage | undefined {
  const limit = RATE_LIMIT.exec(headers.get('x-rate-limit') ?? '');
  const used = Number(headers.get('x-rate-limit-used') ?? Number.NaN);
  if (!limit || !Number.isFinite(used)) return undefined;
  return { used, limit: Number(limit[1]), scope: `Brandwatch requests per ${limit[2]}` };
}
