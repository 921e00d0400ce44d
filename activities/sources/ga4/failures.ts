/**
 * Data API failures as the error taxonomy. Over REST the SDK rejects with gaxios' error (HTTP status
 * in `status`, Google's JSON error in `message`); over gRPC with a GoogleError whose `code` is the
 * gRPC status. Both are read.
 */
import { z } from 'zod';
import { ConnectorError, parseRetryAfter, RateLimitedError } from '../../errors';
import type { SourcePage } from '../types';

/** gaxios' Headers may come from another copy of fetch than the global one: judged by shape. */
interface HeaderReader {
  get(name: string): string | null;
}
const headerReader = z.custom<HeaderReader>((value) => typeof value === 'object' && value !== null && 'get' in value && typeof value.get === 'function');

const failureSchema = z.object({
  status: z.number().optional(),
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().default(''),
  response: z.object({ headers: headerReader.optional() }).optional(),
});

/** gRPC status codes (google.rpc.Code) and the HTTP statuses REST maps them to. */
const GRPC = { invalidArgument: 3, deadlineExceeded: 4, notFound: 5, permissionDenied: 7, resourceExhausted: 8, unavailable: 14, unauthenticated: 16 } as const;

export type Ga4Failure = ConnectorError | { stop: NonNullable<SourcePage['stop']> };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const googleErrorBody = z.object({ error: z.object({ message: z.string() }) });

/** Google's own words from the error body, for an operator: never a credential or a row. */
function googleMessage(message: string): string {
  const parsed = googleErrorBody.safeParse(parseJson(message));
  return parsed.success ? parsed.data.error.message : message;
}

export function ga4Failure(error: unknown, propertyId: string): Ga4Failure {
  const parsed = failureSchema.safeParse(error);
  if (!parsed.success) return new ConnectorError('system', `GA4 request failed: ${String(error)}`);
  const { status, code, message: raw, response } = parsed.data;
  const is = (http: number, grpc: number): boolean => status === http || code === grpc || code === http;
  const message = googleMessage(raw);
  const what = `GA4 property ${propertyId} answered ${status ?? code ?? 'no status'}: ${message}`;
  if (is(429, GRPC.resourceExhausted) || /RESOURCE_EXHAUSTED/.test(raw)) {
    // The daily token budget only refills tomorrow: stop, keep what was read, resume next run.
    if (/tokens per day/i.test(message)) return { stop: { reason: 'daily-api-quota', detail: what } };
    return new RateLimitedError(what, parseRetryAfter(response?.headers?.get('retry-after')));
  }
  if (is(401, GRPC.unauthenticated)) {
    return new ConnectorError('auth', what, "GA4 refused the connector's credentials: update the service account key or access token");
  }
  if (is(403, GRPC.permissionDenied)) {
    return new ConnectorError('auth', what, `grant the service account Viewer access to GA4 property ${propertyId}`);
  }
  if (is(404, GRPC.notFound)) return new ConnectorError('config', what, 'check the connector\'s propertyId');
  if (is(400, GRPC.invalidArgument)) return new ConnectorError('config', what, 'the property does not support a dimension or metric the stream asks for');
  if ((status !== undefined && status >= 500) || code === GRPC.unavailable || code === GRPC.deadlineExceeded || typeof code === 'string') {
    // A string code is a network error (ECONNRESET, ECONNREFUSED): worth another try.
    return new ConnectorError('transient', what);
  }
  return new ConnectorError('system', what);
}
