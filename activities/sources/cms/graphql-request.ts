/**
 * One GraphQL POST over plain fetch: timed against the 500 ms target, its body read under the
 * payload limit, and its failures — HTTP statuses and the `errors` array alike — mapped onto the
 * error taxonomy.
 */
import { z } from 'zod';
import { ConnectorError, parseRetryAfter, RateLimitedError } from '../../errors';
import { readBoundedText, type PayloadLimit } from './bounded-body';
import type { RequestTimings } from './request-timings';

export interface GraphqlRequest {
  endpoint: string;
  accessToken: string;
  query: string;
  variables: Readonly<Record<string, unknown>>;
  payloadLimit: PayloadLimit;
  timings: RequestTimings;
  /** Names the request in timing logs: stream and operation, never data. */
  label: Readonly<Record<string, string>>;
}

export interface GraphqlResponse {
  data: unknown;
  bytes: number;
  /** From sending the request to the last byte of the answer. */
  durationMs: number;
}

const graphqlErrorSchema = z.looseObject({
  message: z.string().default('no message'),
  extensions: z.looseObject({ code: z.string().optional(), retryAfterSeconds: z.number().optional() }).optional(),
});
type GraphqlError = z.infer<typeof graphqlErrorSchema>;

const graphqlBodySchema = z.object({
  data: z.unknown().optional(),
  errors: z.array(graphqlErrorSchema).optional(),
});

const THROTTLE_CODES = new Set(['THROTTLED', 'RATE_LIMITED', 'TOO_MANY_REQUESTS']);
const AUTH_CODES = new Set(['UNAUTHENTICATED', 'UNAUTHORIZED', 'FORBIDDEN']);
const QUERY_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);
const MESSAGE_CHARS = 200;

function graphqlFailure(error: GraphqlError, headers: Headers): ConnectorError {
  const code = error.extensions?.code ?? 'no code';
  const what = `the CMS answered the content-views query with a GraphQL error (${code}): ${error.message.slice(0, MESSAGE_CHARS)}`;
  if (THROTTLE_CODES.has(code)) {
    const hinted = error.extensions?.retryAfterSeconds;
    const retryAfterMs = parseRetryAfter(headers.get('retry-after')) ?? parseRetryAfter(hinted === undefined ? null : String(hinted));
    return new RateLimitedError(what, retryAfterMs);
  }
  if (AUTH_CODES.has(code)) return new ConnectorError('auth', what, "check the connector's accessToken: the CMS refused it");
  if (QUERY_CODES.has(code)) {
    return new ConnectorError(
      'config',
      what,
      "the CMS's schema differs from what the stream reads (contentViews with first, after and updatedSince), or the stored cursor is no longer valid: reset the stream's cursor",
    );
  }
  return new ConnectorError('transient', what);
}

function httpFailure(status: number, headers: Headers): ConnectorError {
  const what = `the CMS answered the content-views query with HTTP ${status}`;
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
  if (status === 429 || (status === 503 && retryAfterMs !== null)) return new RateLimitedError(what, retryAfterMs);
  if (status === 401 || status === 403) return new ConnectorError('auth', what, "check the connector's accessToken: the CMS refused it");
  if (status === 404) return new ConnectorError('config', what, "check the connector's endpoint: no GraphQL API answers there");
  if (status >= 500) return new ConnectorError('transient', what);
  return new ConnectorError('config', what, "check the connector's endpoint");
}

function parseBody(text: string, status: number): z.infer<typeof graphqlBodySchema> | null {
  try {
    const parsed = graphqlBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    if (status >= 200 && status < 300) throw new ConnectorError('system', `the CMS answered HTTP ${status} with a body that is not JSON`);
    return null;
  }
}

async function post(request: GraphqlRequest, signal: AbortSignal): Promise<Response> {
  try {
    return await fetch(request.endpoint, {
      method: 'POST',
      headers: { Authorization: `Bearer ${request.accessToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query: request.query, variables: request.variables }),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new ConnectorError('transient', `the CMS did not answer the content-views query: ${reason}`);
  }
}

export async function requestGraphql(request: GraphqlRequest, signal: AbortSignal): Promise<GraphqlResponse> {
  const started = performance.now();
  let durationMs = 0;
  const response = await post(request, signal);
  const { text, bytes } = await readBoundedText(response, request.payloadLimit).finally(() => {
    durationMs = Math.round(performance.now() - started);
    request.timings.record(durationMs, { ...request.label, status: response.status });
  });
  const body = parseBody(text, response.status);
  const firstError = body?.errors?.[0];
  if (firstError) throw graphqlFailure(firstError, response.headers);
  if (!response.ok) throw httpFailure(response.status, response.headers);
  if (body === null || body.data === undefined || body.data === null) {
    throw new ConnectorError('system', 'the CMS answered the content-views query without data or errors');
  }
  return { data: body.data, bytes, durationMs };
}
