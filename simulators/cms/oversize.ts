/**
 * An oversized GraphQL response, streamed the way a runaway query's answer arrives: valid JSON
 * (the real `data`, then padding in `extensions`) written chunk by chunk with backpressure, so a
 * client that stops reading is sent no more than the socket buffers hold.
 */
import type { ServerResponse } from 'node:http';

export interface OversizeReport {
  plannedBytes: number;
  writtenBytes: number;
  /** The client closed the connection before the whole body was sent. */
  abandoned: boolean;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    const done = (ok: boolean): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

export async function streamOversized(
  res: ServerResponse,
  body: { data: unknown },
  plannedBytes: number,
  declareLength: boolean,
): Promise<OversizeReport> {
  const head = Buffer.from(`${JSON.stringify(body).slice(0, -1)},"extensions":{"padding":"`);
  const tail = Buffer.from('"}}');
  const padding = Math.max(0, plannedBytes - head.length - tail.length);
  const total = head.length + padding + tail.length;
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', ...(declareLength ? { 'Content-Length': String(total) } : {}) });
  let written = 0;
  const write = async (chunk: Buffer): Promise<boolean> => {
    written += chunk.length;
    return res.write(chunk) || (await drained(res));
  };
  let open = await write(head);
  for (let left = padding; open && left > 0; left -= CHUNK.length) {
    open = await write(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left));
  }
  if (open) {
    written += tail.length;
    res.end(tail);
  }
  return { plannedBytes: total, writtenBytes: written, abandoned: !open };
}
