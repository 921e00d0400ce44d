/** Every simulator listens alike: on `port` (0: a free one) of `host`, loopback unless told otherwise. */
import type { Server } from 'node:http';

export async function listen(server: Server, options: { port?: number; host?: string }): Promise<{ host: string; port: number }> {
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  return { host, port: typeof address === 'object' && address ? address.port : 0 };
}
