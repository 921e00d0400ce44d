/**
 * One request of the cursor-based incremental ticket export, and its failures as the error
 * taxonomy. Statuses decide, not bodies: Zendesk's error bodies vary in shape, and a 429 body is
 * often text/plain.
 */
import { answered, readJson, send, statusFailure, type HttpCall, type Refusal, type StatusRules } from '../http-kit';
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

export const basicAuth = (email: string, apiToken: string): string =>
  `Basic ${Buffer.from(`${email}/token:${apiToken}`).toString('base64')}`;

/** Zendesk's X-Rate-Limit headers: the account's requests per minute and what is left of them. */
function usageOf(headers: Headers): ReportedUsage | undefined {
  const limit = Number(headers.get('x-rate-limit'));
  const remaining = Number(headers.get('x-rate-limit-remaining'));
  if (!Number.isFinite(limit) || limit <= 0 || !Number.isFinite(remaining) || headers.get('x-rate-limit-remaining') === null)
    return undefined;
  return { used: Math.max(0, limit - remaining), limit, scope: 'requests per minute' };
}

/** The `error` code of a JSON error body, when there is one: a code, never a description with data in it. */
function errorCodeOf(body: unknown): string {
  return typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string' ? body.error : 'no error code';
}

export const EXPORT: HttpCall = { service: 'Zendesk', action: 'the ticket export' };

function rulesFor(request: ExportRequest): StatusRules {
  const staleCursor: Refusal = {
    category: 'config',
    hint: "Zendesk no longer accepts the stored export cursor: reset the stream's cursor to export it again",
  };
  return {
    refusals: {
      401: {
        category: 'auth',
        hint: "check the connector's email and apiToken: the token must be active in Zendesk Admin Center > Apps and integrations > Zendesk API and belong to that agent",
      },
      403: { category: 'auth', hint: 'the incremental export needs the API token of a Zendesk admin' },
      404: { category: 'config', hint: `check the connector's subdomain or baseUrl: no Zendesk account answers at ${request.baseUrl}` },
      ...(request.cursor !== null ? { 400: staleCursor, 422: staleCursor } : {}),
    },
    busyWithRetryAfterIsThrottle: true,
  };
}

export async function requestExportPage(request: ExportRequest, signal: AbortSignal): Promise<ExportResponse> {
  const headers = { Authorization: basicAuth(request.email, request.apiToken), Accept: 'application/json' };
  const response = await send(exportUrl(request), { headers }, EXPORT, signal);
  const body = await readJson(response, EXPORT);
  if (!response.ok) throw statusFailure(response, answered(EXPORT, response.status, errorCodeOf(body)), rulesFor(request));
  return { body, usage: usageOf(response.headers) };
}
