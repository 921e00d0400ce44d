/**
 * A second worker process for one source's task queues (its own and its accounts'), so that a test can run two workers against
 * one server (the SDK allows one worker per task queue per process). Settings come as one JSON
 * argument; it prints `ready` once polling and stops on SIGTERM.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { parseKeyRing } from '../../activities/secrets';
import { openStore } from '../../activities/store';
import { SOURCE_KINDS } from '../../domain/connector';
import { rateLimitSchema } from '../../domain/sources';
import { accountWorkers, createSourceWorker, openWorkerStaging } from '../../worker/workers';

const settingsSchema = z.object({
  address: z.string(),
  databaseUrl: z.string(),
  secretKeys: z.string(),
  dataDir: z.string(),
  taskQueue: z.string(),
  source: z.enum(SOURCE_KINDS),
  rateLimit: rateLimitSchema,
});

async function main(): Promise<void> {
  const settings = settingsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  // Quiet like the test's own workers: state changes at INFO would bury the test output.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: settings.address });
  const store = await openStore({ databaseUrl: settings.databaseUrl, secrets: parseKeyRing(settings.secretKeys, 'the test') });
  const options = {
    connection,
    namespace: 'default',
    store,
    dataDir: settings.dataDir,
    taskQueue: settings.taskQueue,
    rateLimits: { [settings.source]: settings.rateLimit },
  };
  const staging = await openWorkerStaging(options);
  const worker = await createSourceWorker(options, settings.source, staging);
  // Its accounts' queues too, where cycles read their pages: looked for in the store as the test creates connectors.
  const accounts = accountWorkers(options, staging, [settings.source]);
  process.once('SIGTERM', () => worker.shutdown());
  await accounts.start();
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
  await accounts.stop();
  await Promise.all([store.close(), connection.close()]);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
