/** Every simulator listens alike: on `port` (0: a free one) of `host`, loopback unless told otherwise. */
import type { Server } from 'node:http';
import { logger } from '../activities/logger';

export async function listen(server: Server, options: { port?: number; host?: string }): Promise<{ host: string; port: number }> {
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  return { host, port: typeof address === 'object' && address ? address.port : 0 };
}

/** A simulator run on its own (`main.ts`) stops on Ctrl-C or SIGTERM, saying whether it stopped cleanly. */
export function stopOnSignals(name: string, simulator: { stop(): Promise<unknown> }): void {
  const stop = (): void => {
    simulator.stop().then(
      () => logger.info(`${name} simulator stopped`),
      (error: unknown) => logger.error({ err: error }, `${name} simulator did not stop cleanly`),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
