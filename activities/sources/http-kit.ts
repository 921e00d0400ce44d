/**
 * What every source that speaks HTTP shares, so that a plug-in says only what is its own: a request
 * whose missing answer is transient and whose cancellation stays a cancellation; a failed answer's
 * status as the error taxonomy (429 — and 503 with Retry-After where the service means it so —
 * rate-limited with the server's wait, the refusals the service documents as auth or config with
 * their hints, 5xx transient); and bodies read as JSON and checked with zod.
 */
import type { z } from 'zod';
import { ConnectorError, parseRetryAfter, RateLimitedError } from '../errors';

/** Who is asked what, to name it in errors: `Zendesk` and `the ticket export`. */
export interface HttpCall {
  service: string;
  action: string;
}

/** Response headers, or anything that reads them the same way (gaxios brings its own Headers). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** A refusal the service documents: what it means and what the operator should do about it. */
export interface Refusal {
  category: 'auth' | 'config';
  hint: string;
}

export interface StatusRules {
  /** Refusals by status, e.g. 401 and 403 auth, 400 and 404 config. */
  refusals: Readonly<Partial<Record<number, Refusal>>>;
  /** A 503 that says when to come back (Retry-After) is a throttle, not an outage. */
  busyWithRetryAfterIsThrottle?: boolean;
  /** Any other answer below 500; left out, a system error (a request of ours the service did not expect). */
  otherwise?: Refusal;
}

/** Why fetch got no answer: undici puts the network error (ECONNREFUSED, a reset) in `cause`. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

/**
 * Sends a request and returns the answer, whatever its status. No answer (network, `timeoutMs`) is
 * transient; a cancelled activity rethrows its signal's reason.
 */
export async function send(
  url: string | URL,
  init: RequestInit,
  call: HttpCall,
  signal: AbortSignal,
  timeoutMs?: number,
): Promise<Response> {
  try {
    return await fetch(url, {
      ...init,
      signal: timeoutMs === undefined ? signal : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new ConnectorError('transient', `${call.service} did not answer ${call.action}: ${reasonOf(error)}`);
  }
}

/** `Zendesk answered the ticket export with HTTP 404 (RecordNotFound)`. */
export const answered = (call: HttpCall, status: number, detail?: string): string =>
  `${call.service} answered ${call.action} with HTTP ${status}${detail ? ` (${detail})` : ''}`;

/** A failed answer as the taxonomy; `what` says what happened, e.g. answered(…). */
export function statusFailure(
  answer: { status: number; headers: HeaderReader | undefined },
  what: string,
  rules: StatusRules,
): ConnectorError {
  const { status } = answer;
  const retryAfterMs = parseRetryAfter(answer.headers?.get('retry-after'));
  if (status === 429 || (rules.busyWithRetryAfterIsThrottle === true && status === 503 && retryAfterMs !== null)) {
    return new RateLimitedError(what, retryAfterMs);
  }
  const refusal = rules.refusals[status] ?? (status < 500 ? rules.otherwise : undefined);
  if (refusal) return new ConnectorError(refusal.category, what, refusal.hint);
  if (status >= 500) return new ConnectorError('transient', what);
  return new ConnectorError('system', what);
}

/**
 * A body's JSON. A successful answer that is not JSON is a system error; a failed one's is
 * undefined, since its status says what happened.
 */
export function parseJson(text: string, answer: { status: number; ok: boolean }, call: HttpCall): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (answer.ok)
      throw new ConnectorError('system', `${call.service} answered ${call.action} with a body that is not JSON (HTTP ${answer.status})`);
    return undefined;
  }
}

/** The whole body's JSON, as parseJson judges it. */
export async function readJson(response: Response, call: HttpCall): Promise<unknown> {
  return parseJson(await response.text(), response, call);
}

/** A body as its schema says, or a system error naming the first place it differs. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, call: HttpCall): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'invalid';
  throw new ConnectorError('system', `${call.service} answered ${call.action} with an unexpected body (${where})`);
}
