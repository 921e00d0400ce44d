/**
 * The payload guard of FR-4: a response body is read as a stream and counted, and refused the
 * moment it passes the limit, so a runaway page never sits whole in the worker's memory.
 */
import { ConnectorError } from '../../errors';

export interface PayloadLimit {
  maxBytes: number;
  /** Names what was being read, for the error. */
  what: string;
  /** What the operator can change to fit under the limit. */
  hint: string;
}

const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toLocaleString('en-US', { maximumFractionDigits: 3 })} MB`;

function tooLarge(limit: PayloadLimit, declared: number | null): ConnectorError {
  const size = declared === null ? `more than ${megabytes(limit.maxBytes)}` : `${megabytes(declared)}`;
  return new ConnectorError(
    'data',
    `${limit.what} was ${size}, past the payload limit of ${megabytes(limit.maxBytes)} (maxPayloadBytes ${limit.maxBytes}); it was refused without reading the rest`,
    limit.hint,
  );
}

/** The body as text, or a data error once it is larger than the limit. */
export async function readBoundedText(response: Response, limit: PayloadLimit): Promise<{ text: string; bytes: number }> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit.maxBytes) {
    await response.body?.cancel();
    throw tooLarge(limit, declared);
  }
  if (!response.body) return { text: '', bytes: 0 };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > limit.maxBytes) {
      await reader.cancel();
      throw tooLarge(limit, null);
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes };
}
