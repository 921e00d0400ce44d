/**
 * Serves an app on a port (0: any free one) and closes it without waiting for idle keep-alive clients.
 * Given a certificate, over HTTPS with TLS 1.3 at least: older protocols are refused in the handshake.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Express } from 'express';
import type { ApiTls } from '../worker/settings';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  app: Express;
  port: number;
  /** Loopback unless told otherwise: exposing the API is a deployment decision. */
  host?: string;
  /** Certificate and key (PEM): HTTPS when given. */
  tls?: ApiTls;
}

export function startApiServer({ app, port, host = '127.0.0.1', tls }: ServerOptions): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = tls ? createHttpsServer({ ...tls, minVersion: 'TLSv1.3' }, app) : createHttpServer(app);
    server.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`expected a TCP address, got ${String(address)}`));
        return;
      }
      resolve({
        url: `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
