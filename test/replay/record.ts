/**
 * `npx tsx test/replay/record.ts [--replace]`: records a real history of every workflow path that CI
 * replays (see README.md beside this file for when). Starts a Temporal dev server with the CLI of
 * scripts/temporal.sh (or uses TEMPORAL_ADDRESS), runs the scenarios against the real workers, and
 * writes each history to histories/<workflowType>-<case>.json once it holds no secret or personal value.
 *
 * Without --replace an existing file is kept: a history of a shape that running workflows may still
 * have must go on replaying, so overwriting one is a deliberate act.
 */
import assert from 'node:assert/strict';
import { access, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { logger } from '../../activities/logger';
import { startTestServer, stopTestServer } from '../support/test-server';
import { exposuresIn, HISTORIES_DIR, recordingFileJson, workflowTypeOf } from './histories';
import { personalValuesOf, type Recording } from './scenario-steps';
import * as scenarios from './scenarios';
import * as serviceScenarios from './service-scenarios';
import { openWorld, type World } from './world';

const log = logger.child({ script: 'test/replay/record.ts' });

/** Every scenario; the drain idles a minute before it ends, so it runs beside the others. */
async function runScenarios(world: World): Promise<Recording[]> {
  const inTurn = async (): Promise<Recording[]> => {
    const gated = await scenarios.gatedCycles(world);
    const upgraded = await scenarios.gateAcrossUpgrade(world);
    const plain = await scenarios.plainCycle(world);
    const long = await scenarios.longCycle(world);
    const bulk = await scenarios.bulkCycle(world);
    const revalidated = await scenarios.revalidation(world, plain.connectorId);
    const failed = await scenarios.failedCycle(world);
    const erased = await serviceScenarios.erasure(world);
    const checked = await serviceScenarios.credentialCheck(world);
    const notified = await serviceScenarios.approvalNotifications(world);
    return [...gated, ...upgraded, ...plain.recordings, ...long, ...bulk, ...revalidated, ...failed, ...erased, ...checked, ...notified];
  };
  const [drained, others] = await Promise.all([serviceScenarios.webhookDrain(world), inTurn()]);
  // Last, so that it sweeps the warehouse of every connector the others created.
  return [...others, ...drained, ...(await serviceScenarios.retentionSweep(world))];
}

/** Values no history may hold: secrets of the world, the machine's name, personal fields of the simulated org. */
function protectedValues(world: World, { protect = [] }: Recording): string[] {
  const values = [
    ...serviceScenarios.SECRETS_OF_SCENARIOS,
    scenarios.STALE_PASSWORD,
    world.adminKey,
    os.hostname(),
    ...personalValuesOf(world.salesforce),
    ...protect,
  ];
  // Shorter values (a first name, a country code, a host called vm) turn up in ids and base64 by chance.
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value.length >= 8))];
}

/**
 * Worker and client identities, and the sticky task queues named after them, name the recording
 * machine (pid@hostname); replay reads neither.
 */
function withoutMachineNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMachineNames);
  if (typeof value !== 'object' || value === null) return value;
  const sticky = 'kind' in value && value.kind === 'TASK_QUEUE_KIND_STICKY';
  return Object.fromEntries(
    Object.entries(value).map(([key, nested]) => {
      if (key === 'identity' || (sticky && key === 'name')) return [key, 'replay-recorder'];
      return [key, withoutMachineNames(nested)];
    }),
  );
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Histories of the shape before a patch(): today's code can only record the shape after it, so
 * --replace never overwrites them (the scenario records that run under its new name beside them).
 */
const FROZEN_BEFORE_PATCH: ReadonlySet<string> = new Set([
  'ingestionCycle-completed',
  'ingestionCycle-account-queue',
  'webhookDrain-two-deliveries',
  'ingestionCycle-describes-on-queue',
  'webhookDrain-models-refreshed',
  'ingestionCycle-reads-ahead',
  'ingestionCycle-load-commits-cursor',
  'ingestionCycle-measured-with-quality',
  'ingestionCycle-continues-as-new',
  'ingestionCycle-continued',
  'ingestionCycle-bulk-job',
  'ingestionCycle-gate-approved',
  'ingestionCycle-gate-waited-across-upgrade',
]);

async function save(world: World, recording: Recording, replace: boolean): Promise<void> {
  const { name, workflowId, runId } = recording;
  const file = path.join(HISTORIES_DIR, `${name}.json`);
  if ((!replace || FROZEN_BEFORE_PATCH.has(name)) && (await exists(file))) {
    const why = FROZEN_BEFORE_PATCH.has(name) ? 'recorded before a patch: never overwritten' : '--replace overwrites it';
    log.info({ file: path.relative(process.cwd(), file) }, `kept the recorded history (${why})`);
    return;
  }
  const history = await world.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  const type = workflowTypeOf(history);
  assert.ok(name.startsWith(`${type}-`), `${name} records a ${type}: name it ${type}-<case>`);
  const last = history.events?.at(-1);
  const ended =
    last?.workflowExecutionCompletedEventAttributes ??
    last?.workflowExecutionFailedEventAttributes ??
    last?.workflowExecutionContinuedAsNewEventAttributes;
  assert.ok(ended, `${workflowId} has not ended: record whole runs`);
  const json = withoutMachineNames(recordingFileJson(workflowId, history));
  const exposures = exposuresIn(json, protectedValues(world, recording));
  assert.deepEqual(exposures, [], `${name} holds what no history may hold`);
  await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
  log.info({ file: path.relative(process.cwd(), file), events: history.events?.length }, 'recorded');
}

async function main(): Promise<void> {
  const replace = process.argv.includes('--replace');
  await mkdir(HISTORIES_DIR, { recursive: true });
  // Before the dev server starts: its environment would install the SDK's runtime logging at INFO.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  await startTestServer([`limit.historyCount.suggestContinueAsNew=${scenarios.SUGGEST_CONTINUE_AS_NEW_AFTER}`]);
  try {
    const world = await openWorld();
    try {
      const recordings = await runScenarios(world);
      for (const recording of recordings) await save(world, recording, replace);
    } finally {
      await world.close();
    }
  } finally {
    await stopTestServer();
  }
}

main().catch((error: unknown) => {
  log.error({ err: error }, 'recording failed');
  process.exit(1);
});
