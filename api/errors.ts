/**
 * The API's closed set of client-facing failures. Handlers throw these; the error middleware turns
 * them into JSON with their status, and anything else into a generic 500.
 */
import { z } from 'zod';

export const validationIssueSchema = z.object({
  /** Dotted path into the body, or the route parameter's name: configuration.source.loginUrl, id. */
  path: z.string(),
  message: z.string(),
  /** zod's rule name: invalid_type, too_small, invalid_format, invalid_union… */
  rule: z.string(),
});
export type ValidationIssue = z.infer<typeof validationIssueSchema>;

export const errorResponseSchema = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(validationIssueSchema).optional(),
  /** On a 500: the X-Request-Id its log line is filed under, for the caller to quote. */
  requestId: z.string().optional(),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: ValidationIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toResponse(): ErrorResponse {
    return { error: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

export const validationFailed = (message: string, issues: ValidationIssue[]): ApiError =>
  new ApiError(400, 'validation_failed', message, issues);

export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message);

export const forbidden = (message: string): ApiError => new ApiError(403, 'forbidden', message);

export const conflict = (message: string): ApiError => new ApiError(409, 'conflict', message);

export const temporalUnavailable = (consequence: string): ApiError =>
  new ApiError(503, 'temporal_unavailable', `Temporal is unreachable or did not answer in time: ${consequence}`);

/** The identity provider's key set could not be fetched: no JWT can be checked, API keys still work. */
export const identityProviderUnavailable = (reason: string): ApiError =>
  new ApiError(
    503,
    'identity_provider_unavailable',
    `the identity provider's signing keys (JWKS) could not be fetched: ${reason}; JWTs cannot be checked until it answers (API keys still work)`,
  );
