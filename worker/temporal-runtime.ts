/**
 * The Temporal SDK's runtime for a worker process, with its own metrics (task-queue latency, activity
 * and workflow task failures, pollers, slots) exported in Prometheus's format on a loopback port. The
 * worker's /metrics appends them, so they are scraped with the same token as ours; the SDK's exporter
 * itself has no access control and is never bound to another address.
 */
import { createServer } from 'node:net';
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../activities/logger';

export interface TemporalRuntimeOptions {
  /** The SDK's log level (its INFO lines are many). */
  logLevel?: LogLevel;
  /** Loopback port of the SDK's exporter (TEMPORAL_METRICS_PORT); 0 picks a free one. */
  metricsPort?: number;
  logger: Logger;
}

/**
 * The SDK's notices that say what the design intends: a source's rate-limited queue is served by an
 * activity-only worker, whose start the SDK reports once per queue at WARN.
 */
const EXPECTED_NOTICES: ReadonlySet<string> = new Set(['No workflows registered, not polling for workflow tasks']);

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const satisfies Record<
  LogLevel,
  string
>;

/** The SDK's log lines as the product's JSON log lines (one format to read and ship), minus the expected notices. */
export function sdkLogFunction(logger: Pick<Logger, (typeof PINO_LEVEL)[LogLevel]>): (entry: LogEntry) => void {
  return (entry) => {
    if (EXPECTED_NOTICES.has(entry.message)) return;
    logger[PINO_LEVEL[entry.level]]({ component: 'temporal-sdk', ...entry.meta }, entry.message);
  };
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
    logger: new DefaultLogger(options.logLevel ?? 'WARN', sdkLogFunction(options.logger)),
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
