/**
 * One GraphQL POST: timed against the 500 ms target, its body read under the payload limit, and its
 * failures — HTTP statuses and the `errors` array alike — mapped onto the error taxonomy.
 */
import { z } from 'zod';
import { ConnectorError, parseRetryAfter, RateLimitedError } from '../../errors';
import { answered, parseJson, send, statusFailure, type HttpCall, type Refusal, type StatusRules } from '../http-kit';
import { readBoundedText, type PayloadLimit } from './bounded-body';
import type { RequestTimings } from './request-timings';

export interface GraphqlRequest {
  endpoint: string;
  accessToken: string;
  query: string;
  variables: Readonly<Record<string, unknown>>;
  payloadLimit: PayloadLimit;
  timings: RequestTimings;
  /** What is asked, for errors. */
  call: HttpCall;
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

export const CMS_QUERY_CALL: HttpCall = { service: 'the CMS', action: "the connector's query" };

const REFUSED_TOKEN: Refusal = { category: 'auth', hint: "check the connector's accessToken: the CMS refused it" };
const HTTP_RULES: StatusRules = {
  refusals: {
    401: REFUSED_TOKEN,
    403: REFUSED_TOKEN,
    404: { category: 'config', hint: "check the connector's endpoint: no GraphQL API answers there" },
  },
  busyWithRetryAfterIsThrottle: true,
  otherwise: { category: 'config', hint: "check the connector's endpoint" },
};

/** The CMS refused the query itself (parse, validation, arguments): the config's to change. */
export class GraphqlQueryRefused extends ConnectorError {
  constructor(what: string) {
    super(
      'config',
      what,
      "the CMS's schema no longer takes the connector's query (check it with the catalog's discover), or the stored cursor is no longer valid: reset the stream's cursor",
    );
  }
}

const THROTTLE_CODES = new Set(['THROTTLED', 'RATE_LIMITED', 'TOO_MANY_REQUESTS']);
const AUTH_CODES = new Set(['UNAUTHENTICATED', 'UNAUTHORIZED', 'FORBIDDEN']);
const QUERY_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);
const MESSAGE_CHARS = 200;

function graphqlFailure(error: GraphqlError, headers: Headers, call: HttpCall): ConnectorError {
  const code = error.extensions?.code ?? 'no code';
  const what = `${call.service} answered ${call.action} with a GraphQL error (${code}): ${error.message.slice(0, MESSAGE_CHARS)}`;
  if (THROTTLE_CODES.has(code)) {
    const hinted = error.extensions?.retryAfterSeconds;
    const retryAfterMs = parseRetryAfter(headers.get('retry-after')) ?? parseRetryAfter(hinted === undefined ? null : String(hinted));
    return new RateLimitedError(what, retryAfterMs);
  }
  if (AUTH_CODES.has(code)) return new ConnectorError(REFUSED_TOKEN.category, what, REFUSED_TOKEN.hint);
  if (QUERY_CODES.has(code)) return new GraphqlQueryRefused(what);
  return new ConnectorError('transient', what);
}

function post(request: GraphqlRequest, signal: AbortSignal): Promise<Response> {
  const init: RequestInit = {
    method: 'POST',
    headers: { Authorization: `Bearer ${request.accessToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query: request.query, variables: request.variables }),
  };
  return send(request.endpoint, init, request.call, signal);
}

export async function requestGraphql(request: GraphqlRequest, signal: AbortSignal): Promise<GraphqlResponse> {
  const started = performance.now();
  let durationMs = 0;
  const response = await post(request, signal);
  const { text, bytes } = await readBoundedText(response, request.payloadLimit).finally(() => {
    durationMs = Math.round(performance.now() - started);
    request.timings.record(durationMs, { ...request.label, status: response.status });
  });
  const parsed = graphqlBodySchema.safeParse(parseJson(text, response, request.call));
  const body = parsed.success ? parsed.data : null;
  const firstError = body?.errors?.[0];
  if (firstError) throw graphqlFailure(firstError, response.headers, request.call);
  if (!response.ok) throw statusFailure(response, answered(request.call, response.status), HTTP_RULES);
  if (body === null || body.data === undefined || body.data === null) {
    throw new ConnectorError('system', `${request.call.service} answered ${request.call.action} without data or errors`);
  }
  return { data: body.data, bytes, durationMs };
}
