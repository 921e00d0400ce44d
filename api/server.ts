/** Serves an app on a port (0: any free one) and closes it without waiting for idle keep-alive clients. */
import type { Express } from 'express';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  app: Express;
  port: number;
  /** Loopback unless told otherwise: exposing the API is a deployment decision. */
  host?: string;
}

export function startApiServer({ app, port, host = '127.0.0.1' }: ServerOptions): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`expected a TCP address, got ${String(address)}`));
        return;
      }
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
