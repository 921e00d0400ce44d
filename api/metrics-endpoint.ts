/**
 * The API served with GET /metrics beside it. The endpoint is not part of the JSON API (no API key,
 * no OpenAPI operation, no policy row): Prometheus scrapes it with the scrape token
 * (activities/observability/scrape-endpoint.ts), and the app's routes stay exactly its own.
 */
import express, { type Express } from 'express';
import type { Logger } from '../activities/logger';
import { METRICS_PATH, scrapeHandler } from '../activities/observability/scrape-endpoint';

export function withMetricsEndpoint(app: Express, options: { scrapeToken: string | undefined; logger: Logger }): Express {
  const served = express();
  served.disable('x-powered-by');
  const metrics = scrapeHandler({ token: options.scrapeToken, logger: options.logger });
  served.get(METRICS_PATH, (req, res) => void metrics(req, res));
  served.use(app);
  return served;
}
