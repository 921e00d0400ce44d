/**
 * The Temporal SDK's runtime for a worker process, with its own metrics (task-queue latency, activity
 * and workflow task failures, pollers, slots) exported in Prometheus's format on a loopback port. The
 * worker's /metrics appends them, so they are scraped with the same token as ours; the SDK's exporter
 * itself has no access control and is never bound to another address.
 */
import { createServer } from 'node:net';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../activities/logger';

export interface TemporalRuntimeOptions {
  /** The SDK's log level (its INFO lines are many). */
  logLevel?: LogLevel;
  /** Loopback port of the SDK's exporter (TEMPORAL_METRICS_PORT); 0 picks a free one. */
  metricsPort?: number;
  logger: Logger;
}

/** Reads the SDK's metrics as exposition text; empty when the exporter does not answer (logged). */
export type SdkMetrics = () => Promise<string>;

/** Installs the runtime (before any connection is made) and says how to read its metrics. */
export async function installTemporalRuntime(options: TemporalRuntimeOptions): Promise<SdkMetrics> {
  if (Runtime._instance !== undefined) {
    // A harness (the crash-fault runner's probe) installed one to watch the SDK's log: the runtime is a singleton.
    options.logger.warn('the Temporal runtime was installed before the worker: its metrics are not exported');
    return async () => '';
  }
  const port = options.metricsPort || (await freeLoopbackPort());
  Runtime.install({
    logger: new DefaultLogger(options.logLevel ?? 'WARN'),
    telemetryOptions: {
      metrics: {
        // Prometheus's conventions: `_total` counters, seconds with the unit in the name.
        prometheus: { bindAddress: `127.0.0.1:${port}`, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
      },
    },
  });
  const url = `http://127.0.0.1:${port}/metrics`;
  return async () => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      return `\n${await response.text()}`;
    } catch (error) {
      options.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'the Temporal SDK metrics could not be read');
      return '';
    }
  };
}

/** A port nobody listens on now, on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port on 127.0.0.1'))));
    });
  });
}
