/**
 * Errors in Google's JSON shape: `{error: {code, message, errors: [{message, domain, reason}], status}}`.
 * The SDK turns that body into an ApiError carrying `.code` and `.errors` (protocols.md section 2).
 */

/** Reasons the simulator raises, with the HTTP status and RPC status BigQuery pairs them with. */
const REASONS = {
  invalidQuery: [400, 'INVALID_ARGUMENT'],
  invalid: [400, 'INVALID_ARGUMENT'],
  required: [400, 'INVALID_ARGUMENT'],
  resourceInUse: [400, 'FAILED_PRECONDITION'],
  notFound: [404, 'NOT_FOUND'],
  duplicate: [409, 'ALREADY_EXISTS'],
  accessDenied: [403, 'PERMISSION_DENIED'],
  rateLimitExceeded: [429, 'RESOURCE_EXHAUSTED'],
  backendError: [503, 'UNAVAILABLE'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorReason = keyof typeof REASONS;

/** One entry of `errors[]` and of a job's `status.errors`. */
export interface ErrorProto {
  reason: ErrorReason;
  message: string;
  location?: string;
}

export class BigQueryRequestError extends Error {
  constructor(
    readonly reason: ErrorReason,
    message: string,
    /** Overrides the status the reason implies, e.g. throttling as 403 rather than 429. */
    readonly httpStatus: number = REASONS[reason][0],
  ) {
    super(message);
  }

  static invalidQuery(message: string): BigQueryRequestError {
    return new BigQueryRequestError('invalidQuery', message);
  }

  static notFound(what: string): BigQueryRequestError {
    return new BigQueryRequestError('notFound', `Not found: ${what}`);
  }

  get proto(): ErrorProto {
    return { reason: this.reason, message: this.message };
  }

  body(): { error: { code: number; message: string; errors: object[]; status: string } } {
    return {
      error: {
        code: this.httpStatus,
        message: this.message,
        errors: [{ message: this.message, domain: 'global', reason: this.reason }],
        status: REASONS[this.reason][1],
      },
    };
  }
}

/** The first line of an error's message; checks the shape, as the native driver's errors may come from another realm. */
export function firstLine(error: unknown): string {
  const message =
    typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
