/**
 * Redshift failures onto the error taxonomy: service exceptions from the SDK (by name), and the
 * text of statements that FAILED. Statement errors quote offending values (`invalid input syntax
 * for integer: "…"`), which may be personal data: quoted text is masked in data errors.
 */
import { z } from 'zod';
import { ConnectorError, RateLimitedError, type ErrorCategory } from '../../errors';
import { DATA_HINT, NETWORK_CODES, maskQuoted } from '../driver-errors';

const awsErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  $fault: z.enum(['client', 'server']).optional(),
  $metadata: z.object({ httpStatusCode: z.number().optional() }).optional(),
  code: z.string().optional(),
});

const RATE_LIMITED = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'SlowDown',
]);
const AUTH = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'MissingAuthenticationTokenException',
  'AccessDeniedException',
  'AccessDenied',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'CredentialsProviderError',
]);
/** The workgroup, cluster, database, secret or bucket named in the destination is wrong. */
const CONFIG = new Set(['ValidationException', 'ResourceNotFoundException', 'NoSuchBucket']);
const TRANSIENT = new Set([
  'InternalServerException',
  'DatabaseConnectionException',
  'QueryTimeoutException',
  'ExecuteStatementException',
  'BatchExecuteStatementException',
  'TimeoutError',
  'RequestTimeout',
]);

const HINTS: Partial<Record<ErrorCategory, string>> = {
  auth: 'check the destination’s AWS credentials and the IAM permissions for the Redshift Data API (and S3 staging)',
  config: 'check the destination’s region, workgroupName or clusterIdentifier, database and S3 staging bucket',
  data: DATA_HINT,
};

/** An SDK or network failure of `operation` (e.g. `ExecuteStatement`). */
export function fromAwsError(error: unknown, operation: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const parsed = awsErrorSchema.safeParse(error);
  if (!parsed.success) return new ConnectorError('system', `redshift ${operation} failed: ${String(error)}`);
  const { name, message, $fault, $metadata, code } = parsed.data;
  const detail = `redshift ${operation} failed (${name}): ${message}`;
  if (RATE_LIMITED.has(name)) return new RateLimitedError(detail, null);
  const status = $metadata?.httpStatusCode ?? 0;
  const category: ErrorCategory = AUTH.has(name)
    ? 'auth'
    : CONFIG.has(name)
      ? 'config'
      : TRANSIENT.has(name) || $fault === 'server' || status >= 500 || NETWORK_CODES.has(code ?? name)
        ? 'transient'
        : 'system';
  return new ConnectorError(category, detail, HINTS[category]);
}

/** Statement error texts by what they mean; the first match wins. */
const STATEMENT_ERRORS: readonly (readonly [RegExp, ErrorCategory])[] = [
  [/serializ|deadlock|could not obtain lock|canceling statement|terminat|connection/i, 'transient'],
  [/permission denied|not authorized|password authentication/i, 'auth'],
  [/invalid input syntax|Load into table|value too long|out of range|overflow|invalid json|invalid digit/i, 'data'],
  [/violates not-null|cannot cast|invalid (timestamp|date|boolean)/i, 'data'],
  [/does not exist|not found/i, 'config'],
];

/** A statement that ended FAILED: `Error` is Redshift's text, `what` says which statement it was. */
export function fromStatementError(errorText: string, what: string): ConnectorError {
  const category = STATEMENT_ERRORS.find(([pattern]) => pattern.test(errorText))?.[1] ?? 'system';
  const text = category === 'data' ? maskQuoted(errorText) : errorText;
  return new ConnectorError(category, `redshift ${what} failed: ${text.split('\n')[0] ?? text}`, HINTS[category]);
}
