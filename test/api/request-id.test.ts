/**
 * Every answer names its request: X-Request-Id is the caller's sane id or a fresh one, the access
 * log is one JSON line per request with that id and no credentials, and a 500 gives the id to quote.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { errorHandler } from '../../api/error-handler';
import { requestLog } from '../../api/request-log';

function appWithLog(): { base: Promise<string>; lines: Array<Record<string, unknown>>; close: () => Promise<void> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const app = express();
  app.use(requestLog(logger));
  app.get('/fine', (_req, res) => void res.json({ ok: true }));
  app.get('/broken', () => {
    throw new Error('database said no');
  });
  app.use(errorHandler(logger));
  const server = app.listen(0, '127.0.0.1');
  const base = new Promise<string>((resolve) =>
    server.on('listening', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
  return { base, lines, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('request ids and access logs', () => {
  const running = appWithLog();
  afterAll(() => running.close());

  it('keeps a sane incoming X-Request-Id and logs one JSON line under it, without the Authorization header', async () => {
    const response = await fetch(`${await running.base}/fine?token=abc`, {
      headers: { 'X-Request-Id': 'trace-42.a', Authorization: 'Bearer very-secret-token' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-42.a');
    const line = running.lines.find((entry) => (entry.req as { id?: string } | undefined)?.id === 'trace-42.a');
    expect(line).toMatchObject({ req: { method: 'GET', path: '/fine' }, res: { statusCode: 200 } });
    expect(JSON.stringify(running.lines)).not.toContain('very-secret-token');
    expect(JSON.stringify(running.lines)).not.toContain('token=abc');
  });

  it('replaces an absent or unsafe id with a fresh UUID', async () => {
    const base = await running.base;
    const fresh = await fetch(`${base}/fine`);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await fetch(`${base}/fine`, { headers: { 'X-Request-Id': 'x\tfake log line' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a 500 body gives the request id to quote, and the error line carries it', async () => {
    const response = await fetch(`${await running.base}/broken`);
    expect(response.status).toBe(500);
    const id = response.headers.get('x-request-id');
    const body = (await response.json()) as { error: string; message: string; requestId: string };
    expect(body.error).toBe('internal_error');
    expect(body.requestId).toBe(id);
    expect(body.message).toContain(String(id));
    expect(body.message).not.toContain('database said no');
    expect(running.lines.some((entry) => entry.requestId === id && entry.msg === 'request failed unexpectedly')).toBe(true);
  });
});
