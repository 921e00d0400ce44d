/** S3's wire details the simulator needs: XML error bodies and the aws-chunked upload encoding. */
import type { ServerResponse } from 'node:http';

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

/** An S3 error: XML body with Code and Message; HEAD responses carry no body (the SDK reads the status). */
export function sendS3Error(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  requestId: string,
  withBody: boolean,
): void {
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'x-amz-request-id': requestId });
  res.end(withBody ? xml : undefined);
}

/**
 * Decodes an `aws-chunked` body: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` repeated, ending
 * with a zero-size chunk and optional trailers (the SDK sends its checksum as a trailer).
 */
export function decodeAwsChunked(encoded: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = encoded.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new Error('aws-chunked body ends without a final chunk');
    const size = Number.parseInt(encoded.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) throw new Error('aws-chunked body has an invalid chunk size');
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    parts.push(encoded.subarray(start, start + size));
    offset = start + size + 2;
  }
}
