/**
 * The CPU a SendGrid delivery costs the API from its raw body to its receipt, without HTTP: the
 * judging (signature, JSON, each event), the suppression screen and the inbox's group-committed
 * INSERT into a fresh PostgreSQL database. With `--base <tree>` another checkout of the project (a
 * `git worktree` of an earlier commit, its node_modules linked) is measured in the same process,
 * alternately with this one, so that both meet the same machine. A repetition takes `--batches`
 * (200) signed batches of `--size` (100) new events from `--concurrency` (10) callers; each tree's
 * figure is its least CPU per 1,000 events over `--reps` (10) repetitions, the repetition least
 * disturbed by other work on the machine, and the median beside it.
 *
 *   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:54329/postgres npx tsx bench/webhooks/accept-cpu.ts [--base /tmp/wt-webhook-base]
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sendgridSourceSchema } from '../../activities/sources/sendgrid/definition';
import { generateSendgridEvents } from '../../simulators/sendgrid/events';
import { createSendgridSigningKey } from '../../simulators/sendgrid/signing';
import { createFreshDatabase, type FreshDatabase } from '../../test/store/postgres';

import type * as deliveryModule from '../../activities/sources/sendgrid/delivery';
import type * as suppressedModule from '../../activities/sources/sendgrid/suppressed-events';
import type * as storeModule from '../../activities/store';
import type * as secretsModule from '../../activities/secrets';

// Each tree's own modules, loaded from its folder: this tree's types describe them.
type DeliveryModule = typeof deliveryModule;
type SuppressedModule = typeof suppressedModule;
type StoreModule = typeof storeModule;
type SecretsModule = typeof secretsModule;
type Store = Awaited<ReturnType<StoreModule['openStore']>>;

const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    batches: { type: 'string', default: '200' },
    size: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '10' },
    reps: { type: 'string', default: '10' },
  },
});
const [batches, size, concurrency, reps] = [args.batches, args.size, args.concurrency, args.reps].map(Number) as [
  number,
  number,
  number,
  number,
];

interface Tree {
  name: string;
  judge: DeliveryModule['judgeSendgridDelivery'];
  withoutSuppressed: SuppressedModule['withoutSuppressed'];
  store: Store;
  database: FreshDatabase;
  cpuMsPer1000Events: number[];
  eventsPerSecond: number[];
}

/** The tree's own judging and store, each on a fresh database. */
async function openTree(name: string, root: string, adminUrl: string): Promise<Tree> {
  const load = <T>(file: string): Promise<T> => import(path.join(root, file)) as Promise<T>;
  const { judgeSendgridDelivery } = await load<DeliveryModule>('activities/sources/sendgrid/delivery.ts');
  const { withoutSuppressed } = await load<SuppressedModule>('activities/sources/sendgrid/suppressed-events.ts');
  const { openStore } = await load<StoreModule>('activities/store/index.ts');
  const { ephemeralKeyRing } = await load<SecretsModule>('activities/secrets/index.ts');
  const database = await createFreshDatabase(adminUrl);
  const store = await openStore({ databaseUrl: database.url, secrets: ephemeralKeyRing() });
  return { name, judge: judgeSendgridDelivery, withoutSuppressed, store, database, cpuMsPer1000Events: [], eventsPerSecond: [] };
}

const key = createSendgridSigningKey();
const config = sendgridSourceSchema.parse({ kind: 'sendgrid', publicKey: key.publicKey });

/** One repetition: every batch judged, screened and saved; the CPU this process spent on it, and the events per second. */
async function repetition(tree: Tree, seed: number): Promise<{ cpuMsPer1000Events: number; eventsPerSecond: number }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const bodies = Array.from({ length: batches }, (_, index) => {
    const body = JSON.stringify(generateSendgridEvents(size, { seed: seed * 100_000 + index }));
    return { rawBody: Buffer.from(body), signature: key.sign(timestamp, body) };
  });
  const suppression = await tree.store.privacy.loadSuppressionList();
  const connectorId = randomUUID();
  let next = 0;
  const caller = async (): Promise<void> => {
    for (let body = bodies[next++]; body; body = bodies[next++]) {
      const incoming = { connectorId, receivedAt: new Date(), contentType: 'application/json', timestamp, ...body };
      const verdict = tree.judge(config, incoming);
      if (verdict.outcome !== 'judged' || verdict.refused > 0) throw new Error(`a batch was refused: ${JSON.stringify(verdict)}`);
      await tree.store.inbox.save(tree.withoutSuppressed(verdict.delivery, suppression).delivery);
    }
  };
  const started = process.cpuUsage();
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, caller));
  const seconds = (performance.now() - startedAt) / 1000;
  const used = process.cpuUsage(started);
  return { cpuMsPer1000Events: (used.user + used.system) / 1000 / ((batches * size) / 1000), eventsPerSecond: (batches * size) / seconds };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const round1 = (value: number): number => Math.round(value * 10) / 10;

async function main(): Promise<void> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('set TEST_DATABASE_URL to a PostgreSQL server this bench may create databases on');
  const trees = [await openTree('this tree', path.resolve(__dirname, '../..'), adminUrl)];
  if (args.base) trees.push(await openTree(`base (${args.base})`, path.resolve(args.base), adminUrl));
  // A first repetition each, not counted: JIT, connections.
  for (const tree of trees) await repetition(tree, 0);
  for (let rep = 1; rep <= reps; rep += 1) {
    // Alternating which goes first.
    for (const tree of rep % 2 === 1 ? trees : [...trees].reverse()) {
      const { cpuMsPer1000Events, eventsPerSecond } = await repetition(tree, rep);
      tree.cpuMsPer1000Events.push(cpuMsPer1000Events);
      tree.eventsPerSecond.push(eventsPerSecond);
    }
  }
  const summary = {
    batches,
    size,
    concurrency,
    reps,
    trees: trees.map((tree) => ({
      tree: tree.name,
      leastCpuMsPer1000Events: round1(Math.min(...tree.cpuMsPer1000Events)),
      medianCpuMsPer1000Events: round1(median(tree.cpuMsPer1000Events)),
      // Judged, screened and durably stored, without HTTP: what the route can take at most, beside run.ts's bare Express.
      medianEventsPerSecond: Math.round(median(tree.eventsPerSecond)),
    })),
  };
  console.log(JSON.stringify(summary, null, 2));
  for (const tree of trees) {
    await tree.store.close();
    await tree.database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
