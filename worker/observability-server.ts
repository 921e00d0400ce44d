/**
 * The worker's own small HTTP server (WORKER_HTTP_PORT): GET /metrics for Prometheus (our metrics and
 * the Temporal SDK's, behind the scrape token) and GET /healthz for orchestrators (open, like the
 * API's: 200 while every worker of the process runs, 503 naming the ones that do not).
 */
import { createServer } from 'node:http';
import type { Worker } from '@temporalio/worker';
import type { Logger } from '../activities/logger';
import { METRICS_PATH, scrapeHandler } from '../activities/observability/scrape-endpoint';
import type { SdkMetrics } from './temporal-runtime';

export const WORKER_HEALTH_PATH = '/healthz';

export interface ObservabilityServerOptions {
  port: number;
  /** Loopback unless told otherwise, like the API. */
  host: string;
  /** METRICS_SCRAPE_TOKEN. */
  scrapeToken: string | undefined;
  workers: readonly Worker[];
  sdkMetrics?: SdkMetrics;
  logger: Logger;
}

export interface ObservabilityServer {
  url: string;
  close(): Promise<void>;
}

export function startObservabilityServer(options: ObservabilityServerOptions): Promise<ObservabilityServer> {
  const metrics = scrapeHandler({ token: options.scrapeToken, logger: options.logger, more: options.sdkMetrics });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://worker').pathname;
    if (req.method === 'GET' && path === METRICS_PATH) {
      void metrics(req, res);
      return;
    }
    if (req.method === 'GET' && path === WORKER_HEALTH_PATH) {
      const workers = options.workers.map((worker) => ({ taskQueue: worker.options.taskQueue, state: worker.getState() }));
      const down = workers.filter((worker) => worker.state !== 'RUNNING');
      res.writeHead(down.length === 0 ? 200 : 503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          down.length === 0
            ? { status: 'ok', workers }
            : { status: 'unavailable', workers, message: `not running: ${down.map((w) => `${w.taskQueue} (${w.state})`).join(', ')}` },
        ),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not_found', message: `the worker serves GET ${METRICS_PATH} and GET ${WORKER_HEALTH_PATH}` }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolve({
        url: `http://${host}:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
