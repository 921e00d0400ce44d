/** Bodies in and out: JSON, and the multipart/related upload of a load job. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody as readBytes } from '../read-body';
import { BigQueryRequestError } from './errors';

/** Large enough for any staged batch a test or the demo uploads. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse): void {
  res.writeHead(204).end();
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return readBytes(req, MAX_BODY_BYTES, () => new BigQueryRequestError('invalid', `Request body larger than ${MAX_BODY_BYTES} bytes`));
}

export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BigQueryRequestError('invalid', 'Invalid JSON payload received');
  }
}

export interface Part {
  contentType: string;
  body: Buffer;
}

/** RFC 2046 multipart: the parts between `--boundary` lines, each with its headers and body. */
export function parseMultipart(contentType: string | undefined, body: Buffer): Part[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  if (!contentType?.toLowerCase().startsWith('multipart/') || !boundary) {
    throw new BigQueryRequestError('invalid', 'An upload must be multipart/related with a boundary');
  }
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, afterDelimiter);
    if (next === -1) break;
    const part = body.subarray(afterDelimiter, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw new BigQueryRequestError('invalid', 'A multipart part has no header end');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    // The CRLF before the next delimiter belongs to the delimiter, not to the body.
    const content = part.subarray(headerEnd + 4, part.length - 2);
    parts.push({ contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? '', body: content });
    start = next;
  }
  return parts;
}
