/**
 * 503 means Temporal is down, and only that: a client pointed at a closed port gets a 503 naming
 * Temporal and what was not done (the route's change undone), while every answer Temporal does give
 * (not found, already started, invalid argument) and any other failure keeps its own meaning.
 */
import { createServer } from 'node:net';
import { Client, Connection, ScheduleNotFoundError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApiError } from '../../api/errors';
import { callTemporal } from '../../api/temporal-calls';
import { createConnectorSchema } from '../../domain/connector';
import { startZendeskSimulator } from '../../simulators/zendesk/server';
import { signBody, ticketEventBody } from '../../simulators/zendesk/webhooks';
import { zendeskConfigFor } from '../sources/cases/zendesk';
import { testEnv } from '../support/temporal';
import { CONNECTORS, connectorBody, request, useApiOnClient } from './harness';

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return address.port;
}

const ZENDESK_SIGNING_SECRET = 'zendesk-signing-secret-of-the-temporal-down-test';

const grpcError = (code: number, details: string): Error => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

describe('Temporal down: a client pointed at a closed port', () => {
  const api = useApiOnClient(async () => new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await closedPort()}` }) }));

  test('callTemporal answers 503 temporal_unavailable, saying what was not done', async () => {
    const error: unknown = await callTemporal(api.client, 'nothing was started', () =>
      api.client.workflow.start('anything', { taskQueue: 'q', workflowId: 'w' }),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: 'temporal_unavailable', message: expect.stringContaining('nothing was started') });
  });

  test('creating a connector is a 503 naming Temporal, and no connector is left behind', async () => {
    const response = await request(api.url, 'POST', CONNECTORS, { json: connectorBody('test-admin') }, api.adminKey);
    expect(response).toMatchObject({
      status: 503,
      body: { error: 'temporal_unavailable', message: 'Temporal is unreachable or did not answer in time: the connector was not created' },
    });
    expect(await api.store.connectors.list()).toEqual([]);
  });

  test("a Zendesk event is kept in the inbox and answered 503 in Zendesk's terms: its drain was not woken, Zendesk will retry", async () => {
    const sim = await startZendeskSimulator({ tickets: 1 });
    try {
      const connector = await api.store.connectors.create(
        createConnectorSchema.parse({
          userId: 'support-ops',
          name: 'Zendesk tickets',
          configuration: {
            source: zendeskConfigFor(sim, { signingSecret: ZENDESK_SIGNING_SECRET }),
            destination: { kind: 'duckdb', schema: 'support' },
          },
        }),
      );
      const [ticket] = sim.tickets();
      if (!ticket) throw new Error('the simulator has no ticket');
      const body = ticketEventBody(ticket, 'zen:event-type:ticket.status_changed', 'event-while-temporal-is-down', new Date());
      const timestamp = new Date().toISOString();
      const response = await fetch(`${api.url}/webhooks/zendesk/${connector.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-zendesk-webhook-signature': signBody(ZENDESK_SIGNING_SECRET, timestamp, body),
          'x-zendesk-webhook-signature-timestamp': timestamp,
        },
        body,
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        error: 'temporal_unavailable',
        message: expect.stringContaining('the event is stored but its drain was not woken; Zendesk will retry') as unknown,
      });
      // Stored before the wake-up failed: the next delivery's drain loads it, and Zendesk's retry is a duplicate.
      expect(await api.store.inbox.read(connector.id, '0', 10)).toHaveLength(1);
    } finally {
      await sim.stop();
    }
  });

  test('GET /healthz is a 503 naming the failing check', async () => {
    const response = await request(api.url, 'GET', '/healthz');
    expect(response).toMatchObject({ status: 503, body: { checks: { store: 'ok', temporal: 'failing' } } });
  });
});

describe('Temporal up: its answers keep their meaning', () => {
  test.each([
    ['an error of the route itself', new Error('boom')],
    ['a workflow already started', new WorkflowExecutionAlreadyStartedError('started', 'w', 'anything')],
    ['gRPC INVALID_ARGUMENT', grpcError(3, 'invalid argument')],
    ['gRPC NOT_FOUND', grpcError(5, 'not found')],
    ['gRPC RESOURCE_EXHAUSTED', grpcError(8, 'rate limited')],
  ])('%s passes through callTemporal unchanged', async (_label, thrown) => {
    const env = await testEnv();
    try {
      const error: unknown = await callTemporal(env.client, 'nothing', () => Promise.reject(thrown)).catch((caught: unknown) => caught);
      expect(error).toBe(thrown);
    } finally {
      await env.teardown();
    }
  });

  test('a missing schedule or workflow on a running server is its own error, not a 503', async () => {
    const env = await testEnv();
    try {
      const schedule: unknown = await callTemporal(env.client, 'nothing', () =>
        env.client.schedule.getHandle('no-such-schedule').describe(),
      ).catch((caught: unknown) => caught);
      expect(schedule).toBeInstanceOf(ScheduleNotFoundError);
      const workflow: unknown = await callTemporal(env.client, 'nothing', () =>
        env.client.workflow.getHandle('no-such-workflow').describe(),
      ).catch((caught: unknown) => caught);
      expect(workflow).toBeInstanceOf(WorkflowNotFoundError);
    } finally {
      await env.teardown();
    }
  });
});
