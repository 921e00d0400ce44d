/** Every simulator listens alike: on `port` (0: a free one) of `host`, loopback unless told otherwise. */
import type { Server } from 'node:http';
import type { z } from 'zod';
import { logger } from '../activities/logger';

/** Where a simulator listens; every simulator's options extend it. */
export interface ListenOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** 127.0.0.1 by default. */
  host?: string;
}

export async function listen(server: Server, options: ListenOptions): Promise<{ host: string; port: number }> {
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  return { host, port: typeof address === 'object' && address ? address.port : 0 };
}

/** A `main.ts`'s settings read from the environment; null, each bad variable logged and exit code 2, when they do not parse. */
export function settingsFromEnv<S extends z.ZodType>(schema: S): z.output<S> | null {
  const parsed = schema.safeParse(process.env);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) logger.error(`${issue.path.join('.')}: ${issue.message}`);
  process.exitCode = 2;
  return null;
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
