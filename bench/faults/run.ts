/**
 * The crash-fault runner (see README.md beside it):
 *
 *   npx tsx bench/faults/run.ts                       the short run CI makes: 5,000 rows, 3 kills, 1 server restart
 *   npx tsx bench/faults/run.ts --rows 100000 --kills 50 --server-restarts 5 --warehouses duckdb,postgres
 *
 * Needs PostgreSQL for the worker's control plane: TEST_DATABASE_URL (or DATABASE_URL), else
 * scripts/postgres.sh starts one. Exits 1 when an invariant is violated.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PHASES, type Phase } from './activity-feed';
import { runCampaign, WAREHOUSES, type CampaignOptions, type CampaignResult } from './campaign';
import { formatResult } from './report';

const list = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((text) => text.split(',').map((item) => item.trim()))
    .pipe(z.array(z.enum(values)).min(1));
const phaseNames = Object.keys(PHASES) as [Phase, ...Phase[]];

const argsSchema = z.object({
  rows: z.coerce.number().int().min(100).default(5_000),
  kills: z.coerce.number().int().min(0).default(3),
  'server-restarts': z.coerce.number().int().min(0).default(1),
  warehouses: list(WAREHOUSES).default(['duckdb']),
  phases: list(phaseNames).default(phaseNames),
  seed: z.coerce.number().int().default(1),
  'batch-size': z.coerce.number().int().min(100).default(10_000),
  churn: z.coerce.number().min(0).max(1).default(0.1),
  'source-rates': z.string().default('salesforce=6000/60s'),
  'stall-limit': z.coerce.number().int().positive().default(300),
  keep: z.boolean().default(false),
  out: z.string().optional(),
});

const OPTIONS = {
  rows: { type: 'string' },
  kills: { type: 'string' },
  'server-restarts': { type: 'string' },
  warehouses: { type: 'string' },
  phases: { type: 'string' },
  seed: { type: 'string' },
  'batch-size': { type: 'string' },
  churn: { type: 'string' },
  'source-rates': { type: 'string' },
  'stall-limit': { type: 'string' },
  keep: { type: 'boolean' },
  out: { type: 'string' },
} as const;

async function main(): Promise<void> {
  const parsed = argsSchema.safeParse(parseArgs({ options: OPTIONS, strict: true }).values);
  if (!parsed.success) {
    throw new Error(`bench/faults/run.ts: ${parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const args = parsed.data;
  const options: CampaignOptions = {
    rows: args.rows,
    kills: args.kills,
    serverRestarts: args['server-restarts'],
    phases: args.phases,
    seed: args.seed,
    batchSize: args['batch-size'],
    churn: args.churn,
    sourceRates: args['source-rates'],
    stallLimitSeconds: args['stall-limit'],
    keep: args.keep,
    say: (line) => process.stderr.write(`${line}\n`),
  };
  const results: CampaignResult[] = [];
  for (const warehouse of args.warehouses) {
    const result = await runCampaign(warehouse, options);
    results.push(result);
    process.stdout.write(`${formatResult(result)}\n\n`);
  }
  if (args.out) await writeFile(args.out, JSON.stringify(results, null, 2));
  if (results.some((result) => !result.passed)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
