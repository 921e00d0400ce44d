/**
 * The one error taxonomy at the boundary with external services, mapped once onto Temporal's
 * retryable and non-retryable failures. Activities throw these; `toApplicationFailure` converts.
 */
import { ApplicationFailure } from '@temporalio/common';

export type ErrorCategory = 'config' | 'auth' | 'rate-limited' | 'transient' | 'data' | 'system';

export class ConnectorError extends Error {
  constructor(
    readonly category: ErrorCategory,
    message: string,
    /** What the operator should do next; shown with the error. */
    readonly hint?: string,
  ) {
    super(hint ? `${message} — ${hint}` : message);
    this.name = `${category}-error`;
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

const NON_RETRYABLE: ReadonlySet<ErrorCategory> = new Set(['config', 'auth', 'data']);

export function toApplicationFailure(error: unknown): unknown {
  if (!(error instanceof ConnectorError)) return error;
  return ApplicationFailure.create({
    type: error.name,
    message: error.message,
    nonRetryable: NON_RETRYABLE.has(error.category),
    // Honour the server's wait exactly; without a hint the retry policy's backoff applies.
    nextRetryDelay: error instanceof RateLimitedError && error.retryAfterMs ? error.retryAfterMs : undefined,
    cause: error,
  });
}
