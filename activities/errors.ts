/**
 * The one error taxonomy at the boundary with external services (domain/errors.ts), mapped once onto
 * Temporal's retryable and non-retryable failures. Activities throw these; `toApplicationFailure`
 * converts, in the worker's interceptor.
 */
import { ApplicationFailure } from '@temporalio/common';
import { errorTypeOf, NON_RETRYABLE_CATEGORIES, type ErrorCategory } from '../domain/errors';

export type { ErrorCategory } from '../domain/errors';

export class ConnectorError extends Error {
  constructor(
    readonly category: ErrorCategory,
    message: string,
    /** What the operator should do next; shown with the error. */
    readonly hint?: string,
  ) {
    super(hint ? `${message} — ${hint}` : message);
    this.name = errorTypeOf(category);
  }
}

export class RateLimitedError extends ConnectorError {
  constructor(
    message: string,
    /** The server's own wait (Retry-After and the like); null when it gave none. */
    readonly retryAfterMs: number | null,
  ) {
    super('rate-limited', message);
  }
}

/** Retry-After as seconds or an HTTP date; missing, zero, negative or unparsable means no hint. */
export function parseRetryAfter(header: string | null | undefined, now: Date = new Date()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds > 0 ? Math.ceil(seconds * 1000) : null;
  const at = Date.parse(header);
  if (Number.isNaN(at)) return null;
  const wait = at - now.getTime();
  return wait > 0 ? wait : null;
}

const NON_RETRYABLE: ReadonlySet<ErrorCategory> = new Set(NON_RETRYABLE_CATEGORIES);

const THROTTLE_BACKOFF = { firstMs: 2_000, maxMs: 10 * 60_000 } as const;

/**
 * The wait before retry `attempt` + 1 of a throttled call that came without a hint: exponential,
 * with "equal jitter" (half fixed, half random) so that workers throttled together spread out and
 * no retry ever comes immediately.
 */
export function throttleBackoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(THROTTLE_BACKOFF.maxMs, THROTTLE_BACKOFF.firstMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** `attempt` is the activity attempt that failed (1 for the first). */
export function toApplicationFailure(error: unknown, attempt = 1): unknown {
  if (!(error instanceof ConnectorError)) return error;
  return ApplicationFailure.create({
    type: error.name,
    message: error.message,
    nonRetryable: NON_RETRYABLE.has(error.category),
    // Honour the server's wait exactly; without a hint, back off with jitter.
    nextRetryDelay: error instanceof RateLimitedError ? (error.retryAfterMs ?? throttleBackoffMs(attempt)) : undefined,
    cause: error,
  });
}
