/**
 * GET /metrics, as the API and every worker serve it. With METRICS_SCRAPE_TOKEN set, a scrape must
 * carry `Authorization: Bearer <token>`; without one, only this host may scrape (a loopback client),
 * so a process bound to a public address never shows its figures to whoever reaches the port.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import { metricsRegistry } from './metrics';

export const METRICS_PATH = '/metrics';

export interface ScrapeEndpointOptions {
  /** METRICS_SCRAPE_TOKEN; unset: loopback clients only. */
  token: string | undefined;
  logger: Logger;
  registry?: Registry;
  /** More exposition text to append (the Temporal SDK's own metrics on a worker). */
  more?: () => Promise<string>;
}

type Verdict = { allowed: true } | { allowed: false; status: 401 | 403; message: string };

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

const isLoopback = (address: string | undefined): boolean =>
  address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));

export function judgeScrape(token: string | undefined, authorization: string | undefined, remoteAddress: string | undefined): Verdict {
  if (token === undefined) {
    return isLoopback(remoteAddress)
      ? { allowed: true }
      : { allowed: false, status: 403, message: 'metrics are served to this host only: set METRICS_SCRAPE_TOKEN to scrape from another' };
  }
  // Digests of equal length, so the comparison takes the same time whatever was sent.
  const sent = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  if (sent !== undefined && timingSafeEqual(digest(sent), digest(token))) return { allowed: true };
  return { allowed: false, status: 401, message: 'GET /metrics needs the header Authorization: Bearer <METRICS_SCRAPE_TOKEN>' };
}

export function scrapeHandler(options: ScrapeEndpointOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const registry = options.registry ?? metricsRegistry;
  return async (req, res) => {
    const verdict = judgeScrape(options.token, req.headers.authorization, req.socket.remoteAddress);
    if (!verdict.allowed) {
      const headers = verdict.status === 401 ? { 'www-authenticate': 'Bearer realm="metrics"' } : {};
      res.writeHead(verdict.status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify({ error: verdict.status === 401 ? 'unauthorized' : 'forbidden', message: verdict.message }));
      return;
    }
    try {
      const text = (await registry.metrics()) + (options.more ? await options.more() : '');
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
    } catch (error) {
      options.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'metrics could not be collected');
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal', message: 'metrics could not be collected; the log says why' }));
    }
  };
}
