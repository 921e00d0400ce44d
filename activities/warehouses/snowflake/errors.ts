/**
 * snowflake-sdk failures onto the error taxonomy. Snowflake's messages quote the offending value
 * ("Numeric value 'x' is not recognized"), which may be personal data: quoted text is masked.
 */
import { z } from 'zod';
import { ConnectorError, type ErrorCategory } from '../../errors';
import { DATA_HINT, maskQuoted } from '../driver-errors';

/** What the driver's errors carry (errors.js createError); codes are strings from the server, numbers from the driver. */
const driverErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  code: z.union([z.string(), z.number()]).optional(),
  sqlState: z.string().optional(),
});

/** Login refusals: bad password, locked or disabled user, invalid JWT, invalid or expired OAuth token. */
const AUTH_CODES: ReadonlySet<string> = new Set(['390100', '390101', '390102', '390144', '390303', '390318']);
/** Session expired or gone, lock wait timed out: a fresh attempt can succeed. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['390104', '390111', '390112', '390114', '000625', '000630']);
/** Failures of the HTTP exchange itself, after the driver's own retries. */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set(['NetworkError', 'RequestFailedError', 'UnexpectedContentError']);
/** No current warehouse: the connector's `warehouse` names none the role may use. */
const CONFIG_CODES: ReadonlySet<string> = new Set(['000606']);

function category(name: string, code: string, sqlState: string): ErrorCategory {
  if (AUTH_CODES.has(code)) return 'auth';
  if (CONFIG_CODES.has(code)) return 'config';
  if (TRANSIENT_CODES.has(code) || TRANSIENT_NAMES.has(name)) return 'transient';
  // SQLSTATE class 22 is a data exception; Snowflake's own data errors are numbered 100xxx.
  if (sqlState.startsWith('22') || sqlState.startsWith('23') || code.startsWith('100')) return 'data';
  return 'system';
}

/** `doing` says what was attempted, e.g. `merge batch <loadId> into PERSON`. */
export function asConnectorError(error: unknown, doing: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const parsed = driverErrorSchema.safeParse(error);
  if (!parsed.success) return new ConnectorError('system', `${doing}: ${String(error)}`);
  const { name, message, code, sqlState } = parsed.data;
  const codeText = code === undefined ? '' : String(code);
  const kind = category(name, codeText, sqlState ?? '');
  const detail = `${doing} failed (${[codeText, sqlState].filter(Boolean).join('/') || name}): ${maskQuoted(message.split('\n')[0] ?? message)}`;
  const hints: Partial<Record<ErrorCategory, string>> = {
    auth: 'check the destination’s username and its password or key pair',
    config: 'check the destination’s warehouse, database and role',
    data: DATA_HINT,
  };
  return new ConnectorError(kind, detail, hints[kind]);
}
