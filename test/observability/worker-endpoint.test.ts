/**
 * A worker process's own HTTP server, as compose's healthcheck and Prometheus use it: /healthz follows
 * the real workers' state, /metrics answers this host without a token, anything else is a 404.
 */
import { Worker } from '@temporalio/worker';
import { logger } from '../../activities/logger';
import { startObservabilityServer } from '../../worker/observability-server';
import { eventually } from '../support/eventually';
import { useTestCleanups } from '../support/fixture';
import { uniqueName, useTemporal } from '../support/temporal';

const temporal = useTemporal();
const defer = useTestCleanups();

test('/healthz is 503 naming a worker until it runs, 200 while it runs, 503 once it stopped; /metrics serves this host', async () => {
  const taskQueue = uniqueName('worker-endpoint');
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    namespace: temporal.namespace,
    taskQueue,
    activities: { noop: async () => undefined },
  });
  const server = await startObservabilityServer({ port: 0, host: '127.0.0.1', scrapeToken: undefined, workers: [worker], logger });
  defer(() => server.close());
  const health = async () => {
    const response = await fetch(`${server.url}/healthz`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  expect(await health()).toEqual({
    status: 503,
    body: { status: 'unavailable', workers: [{ taskQueue, state: 'INITIALIZED' }], message: `not running: ${taskQueue} (INITIALIZED)` },
  });
  const running = worker.run();
  try {
    await eventually('the worker running', async () => (worker.getState() === 'RUNNING' ? true : undefined));
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', workers: [{ taskQueue, state: 'RUNNING' }] } });

    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toContain('# TYPE insight_hub_cycles_total counter');
    expect((await fetch(`${server.url}/anything`)).status).toBe(404);
  } finally {
    worker.shutdown();
    await running;
  }
  expect(await health()).toMatchObject({ status: 503, body: { workers: [{ taskQueue, state: 'STOPPED' }] } });
});
