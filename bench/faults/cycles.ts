/**
 * Keeps manual cycles of the connector going, one after another, while the faults last — each later
 * one after a change to the source (new, updated and deleted contacts) so that it has rows to read —
 * then one more that must find the warehouse caught up.
 */
import type { Client } from '@temporalio/client';
import { startManualCycle } from '../../api/cycles';
import type { Store } from '../../activities/store';
import type { Connector } from '../../domain/connector';
import { WORKFLOW_TASK_QUEUE } from '../../domain/constants';
import type { CycleReport } from '../../domain/cycle';
import type { SalesforceSimulator } from '../../simulators/salesforce/server';
import type { ActivityFeed } from './activity-feed';

export interface CycleRun {
  workflowId: string;
  status: string;
  report: CycleReport | null;
  seconds: number;
}

export interface CycleDriverDeps {
  client: Client;
  store: Store;
  connector: Connector;
  simulator: SalesforceSimulator;
  feed: ActivityFeed;
  random: () => number;
  say: (line: string) => void;
  /** Contacts changed at the source before each later cycle. */
  churnRows: number;
  /** A running cycle with no activity completed for this long is stuck. */
  stallLimitMs: number;
}

export class StuckCycle extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs cycles until `faultsDone()` held when one started and it closed; `onCycle` hears each one's number. Throws StuckCycle. */
export async function driveCycles(deps: CycleDriverDeps, faultsDone: () => boolean, onCycle: (n: number) => void): Promise<CycleRun[]> {
  const runs: CycleRun[] = [];
  for (let n = 1; ; n++) {
    const last = faultsDone();
    onCycle(n);
    if (n > 1 && !last) changeSource(deps, n);
    const run = await runCycle(deps, n);
    runs.push(run);
    const streams = run.report?.streams ?? [];
    const figures = ['extracted', 'loaded', 'quarantined', 'deleted'] as const;
    const totals = figures.map((figure) => `${figure} ${streams.reduce((sum, stream) => sum + stream[figure], 0)}`).join(', ');
    deps.say(`cycle ${n} ${run.status} (${run.report?.status ?? 'no report'}) in ${run.seconds.toFixed(1)} s: ${totals}`);
    if (last) return runs;
  }
}

async function runCycle(deps: CycleDriverDeps, n: number): Promise<CycleRun> {
  const startedAt = Date.now();
  const { workflowId } = await untilServing(() => startManualCycle(deps.client, deps.connector, WORKFLOW_TASK_QUEUE, new Date()));
  deps.say(`cycle ${n} started: ${workflowId}`);
  const handle = deps.client.workflow.getHandle(workflowId);
  for (;;) {
    await sleep(1_000);
    const { status } = await untilServing(() => handle.describe());
    if (status.name !== 'RUNNING') {
      const report = await deps.store.runs.get(workflowId);
      return { workflowId, status: status.name, report, seconds: (Date.now() - startedAt) / 1000 };
    }
    const idleMs = Date.now() - Math.max(deps.feed.lastCompletionAt, startedAt);
    if (idleMs > deps.stallLimitMs) throw new StuckCycle(`cycle ${workflowId} completed no activity for ${Math.round(idleMs / 1000)} s`);
  }
}

/** Calls Temporal, waiting out a server restart. */
async function untilServing<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 120) throw error;
      await sleep(1_000);
    }
  }
}

/**
 * New contacts, new versions of valid ones (a title the warehouse must end up holding) and
 * deletions of valid ones. Flawed contacts stay as they are: each is then quarantined once.
 */
function changeSource({ simulator, churnRows, random }: CycleDriverDeps, n: number): void {
  const untouchable = new Set(
    simulator
      .groundTruth('Contact')
      .filter((t) => t.deleted || t.flaws.length > 0)
      .map((t) => t.id),
  );
  const valid = simulator
    .records('Contact')
    .map((record) => String(record.Id))
    .filter((id) => !untouchable.has(id));
  const updates = Math.round(churnRows * 0.5);
  const deletions = Math.round(churnRows * 0.1);
  const chosen = new Set<string>();
  while (chosen.size < Math.min(updates + deletions, valid.length)) chosen.add(valid[Math.floor(random() * valid.length)] ?? '');
  const [toUpdate, toDelete] = [[...chosen].slice(0, updates), [...chosen].slice(updates)];
  for (const id of toUpdate) simulator.updateRecord('Contact', id, { Title: `revision ${n}` });
  for (const id of toDelete) simulator.deleteRecord('Contact', id);
  simulator.insertRecords('Contact', churnRows - updates - deletions);
}
