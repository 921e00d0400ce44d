/**
 * BigQuery's failures in the connector taxonomy. The SDK throws ApiError (`code` = HTTP status,
 * `errors[].reason`), and a failed job's status becomes one too; network failures carry a string
 * code. Server messages can quote row values or principals, so only their shape is kept.
 */
import { z } from 'zod';
import { ConnectorError, RateLimitedError, type ErrorCategory } from '../../errors';
import { DATA_HINT, NETWORK_CODES, maskQuoted } from '../driver-errors';

const apiErrorSchema = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
  errors: z.array(z.object({ reason: z.string().optional(), message: z.string().optional() })).optional(),
});

/** Reasons from https://cloud.google.com/bigquery/docs/error-messages, by category. */
const REASON_CATEGORIES: Readonly<Record<string, ErrorCategory>> = {
  rateLimitExceeded: 'rate-limited',
  userRateLimitExceeded: 'rate-limited',
  quotaExceeded: 'rate-limited',
  accessDenied: 'auth',
  responseTooLarge: 'data',
  invalid: 'data',
  invalidQuery: 'data',
  notFound: 'config',
  billingNotEnabled: 'config',
  billingTierLimitExceeded: 'config',
  backendError: 'transient',
  internalError: 'transient',
  jobBackendError: 'transient',
  jobInternalError: 'transient',
  timeout: 'transient',
  stopped: 'transient',
};

const HINTS: Partial<Record<ErrorCategory, string>> = {
  auth: 'the credentials need the BigQuery Data Editor and BigQuery Job User roles on the project',
  config: 'check the destination’s projectId, dataset (schema) and location',
  data: DATA_HINT,
};

function categoryOf(code: number | string | undefined, reasons: readonly string[]): ErrorCategory {
  for (const reason of reasons) {
    const category = REASON_CATEGORIES[reason];
    if (category) return category;
  }
  if (typeof code === 'string') return NETWORK_CODES.has(code) ? 'transient' : 'system';
  if (code === 401 || code === 403) return 'auth';
  if (code === 429) return 'rate-limited';
  if (code === 408 || (code !== undefined && code >= 500)) return 'transient';
  if (code === 404) return 'config';
  if (code === 400) return 'data';
  return 'system';
}

/** The message with quoted text, e-mail addresses and anything after "Value:" blanked out. */
function shapeOf(message: string): string {
  const firstLine = message.split('\n')[0] ?? '';
  return maskQuoted(firstLine.replace(/(Value:).*$/i, '$1 …'), '"…"').replace(/[^\s@]+@[^\s@]+/g, '…@…');
}

/** Field names BigQuery's load errors name (`Field: score`), which say where a row went wrong without its value. */
function fieldsNamed(messages: readonly string[]): string[] {
  return [...new Set(messages.flatMap((message) => [...message.matchAll(/Field: ([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? '')))];
}

/** `action` says what was being done, e.g. `loading batch x into person`. */
export function asConnectorError(error: unknown, action: string): unknown {
  if (error instanceof ConnectorError) return error;
  const parsed = apiErrorSchema.safeParse(error);
  if (!parsed.success) return error;
  const { code, message = '', errors = [] } = parsed.data;
  const reasons = errors.flatMap((e) => (e.reason ? [e.reason] : []));
  const category = categoryOf(code, reasons);
  const reason = reasons[0] ?? (code === undefined ? 'error' : String(code));
  if (category === 'data') {
    // Data errors quote the offending values: keep the reason and the fields only.
    const fields = fieldsNamed([message, ...errors.map((e) => e.message ?? '')]);
    const where = fields.length > 0 ? ` in field ${fields.join(', ')}` : '';
    return new ConnectorError('data', `${action} failed: BigQuery rejected the rows (${reason})${where}`, HINTS.data);
  }
  const text = `${action} failed: BigQuery ${reason}: ${shapeOf(message)}`;
  if (category === 'rate-limited') return new RateLimitedError(text, null);
  return new ConnectorError(category, text, HINTS[category]);
}
