/**
 * Data API failures as the error taxonomy. Over REST the SDK rejects with gaxios' error (HTTP status
 * in `status`, Google's JSON error in `message`) or a GoogleError whose `code` is the gRPC status;
 * both are read, the gRPC status as the HTTP status REST gives it, and judged by the HTTP kit.
 */
import { z } from 'zod';
import { jsonOrUndefined } from '../../../domain/json-input';
import { ConnectorError, parseRetryAfter, RateLimitedError } from '../../errors';
import { statusFailure, type HeaderReader, type StatusRules } from '../http-kit';
import type { SourcePage } from '../types';

/** gaxios' Headers may come from another copy of fetch than the global one: judged by shape. */
const headerReader = z.custom<HeaderReader>(
  (value) => typeof value === 'object' && value !== null && 'get' in value && typeof value.get === 'function',
);

const failureSchema = z.object({
  status: z.number().optional(),
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().default(''),
  response: z.object({ headers: headerReader.optional() }).optional(),
});

/** The HTTP status REST gives each gRPC status (google.rpc.Code) the Data API answers with. */
const HTTP_STATUS_OF_GRPC: Readonly<Partial<Record<number, number>>> = { 3: 400, 4: 504, 5: 404, 7: 403, 8: 429, 14: 503, 16: 401 };

function rulesFor(propertyId: string): StatusRules {
  return {
    refusals: {
      401: { category: 'auth', hint: "GA4 refused the connector's credentials: update the service account key or access token" },
      403: { category: 'auth', hint: `grant the service account Viewer access to GA4 property ${propertyId}` },
      404: { category: 'config', hint: "check the connector's propertyId" },
      400: { category: 'config', hint: 'the property does not support a dimension or metric the stream asks for' },
    },
  };
}

export type Ga4Failure = ConnectorError | { stop: NonNullable<SourcePage['stop']> };

const googleErrorBody = z.object({ error: z.object({ message: z.string() }) });

/** Google's own words from the error body, for an operator: never a credential or a row. */
function googleMessage(message: string): string {
  const parsed = googleErrorBody.safeParse(jsonOrUndefined(message));
  return parsed.success ? parsed.data.error.message : message;
}

export function ga4Failure(error: unknown, propertyId: string): Ga4Failure {
  // Already judged (credentials the client could not find before any request).
  if (error instanceof ConnectorError) return error;
  const parsed = failureSchema.safeParse(error);
  if (!parsed.success) return new ConnectorError('system', `GA4 request failed: ${String(error)}`);
  const { code, message: raw, response } = parsed.data;
  const message = googleMessage(raw);
  const what = `GA4 property ${propertyId} answered ${parsed.data.status ?? code ?? 'no status'}: ${message}`;
  const status = parsed.data.status ?? (typeof code === 'number' ? (HTTP_STATUS_OF_GRPC[code] ?? code) : undefined);
  if (status === 429 || /RESOURCE_EXHAUSTED/.test(raw)) {
    // The daily token budget only refills tomorrow: stop, keep what was read, resume next run.
    if (/tokens per day/i.test(message)) return { stop: { reason: 'daily-api-quota', detail: what } };
    return new RateLimitedError(what, parseRetryAfter(response?.headers?.get('retry-after')));
  }
  // No status at all: a string code is a network error (ECONNRESET, ECONNREFUSED), worth another try.
  if (status === undefined) return new ConnectorError(typeof code === 'string' ? 'transient' : 'system', what);
  return statusFailure({ status, headers: response?.headers }, what, rulesFor(propertyId));
}
