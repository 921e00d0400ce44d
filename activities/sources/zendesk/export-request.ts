/**
 * One request of the cursor-based incremental ticket export over plain fetch, and its failures as
 * the error taxonomy. Statuses decide, not bodies: Zendesk's error bodies vary in shape, and a 429
 * body is often text/plain.
 */
import { ConnectorError, parseRetryAfter, RateLimitedError } from '../../errors';
import type { ReportedUsage } from '../types';

export interface ExportRequest {
  baseUrl: string;
  email: string;
  apiToken: string;
  /** The export's after_cursor to continue from; null starts the export at `startTime`. */
  cursor: string | null;
  /** Unix seconds; Zendesk wants it at least a minute in the past. */
  startTime: number;
  pageSize: number;
}

export interface ExportResponse {
  body: unknown;
  usage: ReportedUsage | undefined;
}

export function exportUrl(request: ExportRequest): string {
  const url = new URL(`${request.baseUrl}/api/v2/incremental/tickets/cursor.json`);
  if (request.cursor === null) url.searchParams.set('start_time', String(request.startTime));
  else url.searchParams.set('cursor', request.cursor);
  url.searchParams.set('per_page', String(request.pageSize));
  // The requesters' names and emails come in the same response instead of a request per user.
  url.searchParams.set('include', 'users');
  return url.toString();
}

const basicAuth = (email: string, apiToken: string): string => `Basic ${Buffer.from(`${email}/token:${apiToken}`).toString('base64')}`;

/** Zendesk's X-Rate-Limit headers: the account's requests per minute and what is left of them. */
function usageOf(headers: Headers): ReportedUsage | undefined {
  const limit = Number(headers.get('x-rate-limit'));
  const remaining = Number(headers.get('x-rate-limit-remaining'));
  if (!Number.isFinite(limit) || limit <= 0 || !Number.isFinite(remaining) || headers.get('x-rate-limit-remaining') === null) return undefined;
  return { used: Math.max(0, limit - remaining), limit, scope: 'requests per minute' };
}

/** The `error` code of a JSON error body, when there is one: a code, never a description with data in it. */
async function errorCodeOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') return body.error;
  } catch {
    // Not JSON: the status alone says what happened.
  }
  return 'no error code';
}

async function failureOf(response: Response, request: ExportRequest): Promise<ConnectorError> {
  const { status } = response;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  if (status === 429 || (status === 503 && retryAfterMs !== null)) {
    await response.body?.cancel();
    return new RateLimitedError(`Zendesk throttled the ticket export (HTTP ${status})`, retryAfterMs);
  }
  const what = `Zendesk answered the ticket export with HTTP ${status} (${await errorCodeOf(response)})`;
  if (status === 401) {
    return new ConnectorError('auth', what, "check the connector's email and apiToken: the token must be active in Zendesk Admin Center > Apps and integrations > Zendesk API and belong to that agent");
  }
  if (status === 403) return new ConnectorError('auth', what, 'the incremental export needs the API token of a Zendesk admin');
  if (status === 404) return new ConnectorError('config', what, `check the connector's subdomain or baseUrl: no Zendesk account answers at ${request.baseUrl}`);
  if ((status === 400 || status === 422) && request.cursor !== null) {
    return new ConnectorError('config', what, "Zendesk no longer accepts the stored export cursor: reset the stream's cursor to export it again");
  }
  if (status >= 500) return new ConnectorError('transient', what);
  return new ConnectorError('system', what);
}

export async function requestExportPage(request: ExportRequest, signal: AbortSignal): Promise<ExportResponse> {
  let response: Response;
  try {
    response = await fetch(exportUrl(request), {
      headers: { Authorization: basicAuth(request.email, request.apiToken), Accept: 'application/json' },
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new ConnectorError('transient', `Zendesk did not answer the ticket export: ${reason}`);
  }
  if (!response.ok) throw await failureOf(response, request);
  const text = await response.text();
  try {
    return { body: JSON.parse(text), usage: usageOf(response.headers) };
  } catch {
    throw new ConnectorError('system', `Zendesk answered the ticket export with a body that is not JSON (HTTP ${response.status})`);
  }
}
