/** The metrics endpoints' settings, from the environment, validated at start-up with errors that name the variable. */
import { z } from 'zod';
import { parseEnvironment } from './secret-files';

const observabilitySchema = z.object({
  /**
   * Required of every scrape of /metrics (API and workers) when set (or METRICS_SCRAPE_TOKEN_FILE);
   * unset, only loopback clients may scrape.
   */
  METRICS_SCRAPE_TOKEN: z.string().min(16, 'must be at least 16 characters, e.g. $(openssl rand -hex 24)').optional(),
  /** The worker's /metrics and /healthz (worker/observability-server.ts). */
  WORKER_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** Loopback unless told otherwise (a container sets 0.0.0.0 and a scrape token). */
  WORKER_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** The Temporal SDK's own metrics exporter, always on loopback (the worker's /metrics relays it); 0 picks a free port. */
  TEMPORAL_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
});

export interface ObservabilitySettings {
  /** Undefined: /metrics answers loopback clients only. */
  scrapeToken: string | undefined;
  workerHttp: { port: number; host: string };
  temporalMetricsPort: number;
}

export function loadObservabilitySettings(env: NodeJS.ProcessEnv = process.env): ObservabilitySettings {
  const s = parseEnvironment(observabilitySchema, env);
  return {
    scrapeToken: s.METRICS_SCRAPE_TOKEN,
    workerHttp: { port: s.WORKER_HTTP_PORT, host: s.WORKER_HTTP_HOST },
    temporalMetricsPort: s.TEMPORAL_METRICS_PORT,
  };
}
