/**
 * What every plug-in does alike when it sorts its driver's failures into the connector taxonomy:
 * network failures are transient, quoted text is masked (drivers quote the offending value, which may
 * be personal data), and a data error says what the staged rows must be.
 */
import type { StreamDefinition } from '../../domain/streams/types';
import { ConnectorError } from '../errors';

/** Node's codes for a failed network exchange: a fresh attempt can succeed. */
export const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** The hint of a data error: a value of the batch did not fit its column. */
export const DATA_HINT = 'the staged rows must carry the stream’s column types';

/** `message` with each quoted text replaced by `mask`. */
export function maskQuoted(message: string, mask = '…'): string {
  return message.replace(/'[^']*'|"[^"]*"/g, mask);
}

/** Rows without their primary key fail the whole batch, before anything is written. */
export function missingKeysError(stream: StreamDefinition, count: number): ConnectorError {
  return new ConnectorError(
    'data',
    `${count} rows of stream ${stream.name} have no ${stream.primaryKey}: the primary key must not be null`,
  );
}
