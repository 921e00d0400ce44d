/**
 * One "host" of the two-host test: the product's workers (createWorkers, as worker/main.ts builds
 * them from the environment) in a process of their own, with the fault runner's phase probe loaded
 * first, so the test can freeze the process at an activity's start and SIGKILL it there. The
 * workflow task queue comes as the one argument; it prints `ready` once its workers run.
 */
import '../../bench/faults/phase-probe';
import { NativeConnection } from '@temporalio/worker';
import { logger } from '../../activities/logger';
import { loadKeyRing } from '../../activities/secrets';
import { loadPayloadKeyRing } from '../../activities/secrets/payload-codec';
import { openStore } from '../../activities/store';
import { loadSettings } from '../../worker/settings';
import { createWorkers, runWorkers, workerOptionsFrom } from '../../worker/workers';

async function main(): Promise<void> {
  const taskQueue = process.argv[2];
  if (!taskQueue) throw new Error('usage: host-child.ts <workflow task queue>');
  const settings = loadSettings();
  const secrets = await loadKeyRing(settings, logger);
  const store = await openStore({ databaseUrl: settings.databaseUrl, secrets });
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  const workers = await createWorkers({
    ...workerOptionsFrom(settings, { connection, store, dataKeys: await loadPayloadKeyRing(settings, logger), columnKeys: secrets }),
    taskQueue,
  });
  const running = runWorkers(workers);
  process.stdout.write('ready\n');
  await running;
  await Promise.all([store.close(), connection.close()]);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
