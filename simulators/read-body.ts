/** Every simulator reads a request's body alike: whole, up to the service's limit, refused past it as the service refuses. */
import type { IncomingMessage } from 'node:http';

export async function readBody(
  req: IncomingMessage,
  maxBytes: number,
  tooLarge: () => Error = () => new Error(`request body larger than ${maxBytes} bytes`),
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
