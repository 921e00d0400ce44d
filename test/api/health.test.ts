/**
 * /healthz over HTTP against the real store and Temporal server, and what clients see when one of
 * them is down: a 503 naming Temporal (changes refused whole), or a logged 500 with a generic message
 * when the database is unreachable.
 */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { z } from 'zod';
import { createApp } from '../../api/app';
import type { ApiDeps } from '../../api/deps';
import { startApiServer } from '../../api/server';
import { openPgClient } from '../../activities/store/pg-client';
import { sqlStore } from '../../activities/store/store';
import { scheduleId } from '../../domain/constants';
import { uniqueName } from '../support/temporal';
import { CONNECTORS, SECRETS, connectorBody, createConnector, request, type HttpResult, useApiHarness } from './harness';

const api = useApiHarness();

const describeSchedule = (connectorId: string) => api.client.schedule.getHandle(scheduleId(connectorId)).describe();

/** Serves an app built from `deps` for one call, then closes it. */
async function callApi(deps: ApiDeps, method: string, path: string, body?: { json: unknown }): Promise<HttpResult> {
  const server = await startApiServer({ app: createApp(deps), port: 0 });
  try {
    return await request(server.url, method, path, body, api.adminKey);
  } finally {
    await server.close();
  }
}

/** A port nothing listens on: bound, then released. */
async function closedAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return `127.0.0.1:${address.port}`;
}

const loggedErrorSchema = z.object({
  msg: z.literal('request failed unexpectedly'),
  method: z.string(),
  path: z.string(),
  err: z.object({ message: z.string().min(1), stack: z.string() }),
});

/** A pino logger whose lines the test can read. */
function capturedLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), lines };
}

describe('GET /healthz, and what clients see when a dependency is down', () => {
  test('is 200 with every check ok when the store and Temporal answer', async () => {
    const health = await api.call('GET', '/healthz');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', checks: { store: 'ok', temporal: 'ok' } } });
  });

  test('with Temporal unreachable, healthz names it and changes are refused whole with a 503', async () => {
    // No retry interceptor: the refusal surfaces at once instead of after the gRPC retry budget.
    const temporal = new Client({ connection: Connection.lazy({ address: await closedAddress(), interceptors: [] }) });
    const { logger } = capturedLogger();
    const deps = { store: api.store, temporal, logger };

    const health = await callApi(deps, 'GET', '/healthz');
    expect(health).toMatchObject({
      status: 503,
      body: { status: 'unavailable', checks: { store: 'ok', temporal: 'failing' }, message: expect.stringContaining('temporal') },
    });

    const userId = uniqueName('user');
    const created = await callApi(deps, 'POST', CONNECTORS, { json: connectorBody(userId) });
    expect(created).toMatchObject({
      status: 503,
      body: { error: 'temporal_unavailable', message: expect.stringContaining('Temporal is unreachable') },
    });
    expect(await api.store.connectors.listByUser(userId)).toEqual([]);

    const existing = await createConnector(api, connectorBody(userId));
    const before = await api.store.connectors.get(existing);
    for (const [method, body] of [
      ['PUT', { json: { name: 'never-saved', status: 'paused' } }],
      ['DELETE', undefined],
    ] as const) {
      expect(await callApi(deps, method, `${CONNECTORS}/${existing}`, body)).toMatchObject({ status: 503 });
      expect(await api.store.connectors.get(existing)).toMatchObject({ name: before?.name, status: 'active' });
    }
    expect((await describeSchedule(existing)).state.paused).toBe(false);
  });

  test('an unreachable database makes healthz name the store, and other requests a logged 500 with a generic message', async () => {
    const unreachableStore = sqlStore(openPgClient(`postgresql://insight:hub@${await closedAddress()}/control_plane`));
    const { logger, lines } = capturedLogger();
    const deps = { store: unreachableStore, temporal: api.client, logger };

    const health = await callApi(deps, 'GET', '/healthz');
    expect(health).toMatchObject({ status: 503, body: { checks: { store: 'failing', temporal: 'ok' } } });

    const created = await callApi(deps, 'POST', CONNECTORS, { json: connectorBody(uniqueName('user')) });
    expect(created).toEqual(
      expect.objectContaining({
        status: 500,
        body: {
          error: 'internal_error',
          message: expect.stringContaining('it has been logged under request id'),
          requestId: expect.any(String),
        },
      }),
    );
    const logged = lines
      .map((line) => loggedErrorSchema.safeParse(JSON.parse(line)))
      .flatMap((entry) => (entry.success ? [entry.data] : []));
    expect(logged).toEqual([expect.objectContaining({ method: 'POST', path: CONNECTORS })]);
    for (const secret of Object.values(SECRETS)) expect(lines.join('\n')).not.toContain(secret);
    await unreachableStore.close();
  });
});
