/**
 * A worker's load in a process of its own, for the interrupted-load case: connects through the
 * plug-in registry, ensures the table and loads the batch named on the command line.
 * Run as `node --import tsx load-child.ts '<json>'`.
 */
import { z } from 'zod';
import { destinationSchema } from '../../domain/connector';
import { connectWarehouse } from '../../activities/warehouses';
import { people } from './fixtures';

const argumentsSchema = z.object({
  config: destinationSchema,
  dataDir: z.string(),
  connectorId: z.string(),
  source: z.string(),
  loadId: z.string(),
  cleanFile: z.string().nullable(),
  quarantineFile: z.string().nullable(),
});

async function main(): Promise<void> {
  const { config, dataDir, ...batch } = argumentsSchema.parse(JSON.parse(process.argv[2] ?? ''));
  const warehouse = await connectWarehouse(config, dataDir);
  await warehouse.ensureTable(people);
  await warehouse.load({ ...batch, stream: people });
  await warehouse.close();
  process.stdout.write('loaded\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
