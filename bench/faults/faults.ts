/**
 * The faults: SIGKILLs of the worker at chosen moments of a phase, and restarts of the Temporal
 * server at random ones, one after another, each only once the work recovered from the last.
 */
import { activityKey, PHASES, type ActivityFeed, type Phase } from './activity-feed';
import type { ActivityEvent } from './probe-messages';

/** The activity a kill interrupts. */
type Target = Pick<ActivityEvent, 'activityType' | 'activityId' | 'workflowId' | 'attempt'>;
import type { DevServer } from './temporal-server';
import type { WorkerProcess } from './worker-process';

/**
 * Where in its activity a kill lands: `mid-run` after a random part of the activity's typical
 * duration; `before-ack` once its work is done but before Temporal heard of it (the retry must find
 * its effects and not repeat them); `at-start` as it begins (for activities too short to hit mid-run).
 */
export type KillMode = 'mid-run' | 'before-ack' | 'at-start';

export interface KillRecord {
  n: number;
  /** The cycle running when the worker was killed (1 for the first). */
  cycle: number;
  phase: Phase;
  mode: KillMode;
  activityType: string;
  attempt: number;
  /** SIGKILL to the new worker polling. */
  workerStartMs: number;
  /** SIGKILL to the first activity completed after it: the cycle progressing again. */
  resumedMs: number | null;
  /** SIGKILL to the interrupted activity's retry finishing, and how it finished. */
  retriedMs: number | null;
  retry: 'completed' | 'failed' | 'not seen';
}

export interface RestartRecord {
  n: number;
  /** Stop to serving again. */
  downMs: number;
  /** Serving again to the first activity it dispatches starting. */
  resumedMs: number | null;
}

export interface FaultPlan {
  kills: number;
  serverRestarts: number;
  phases: readonly Phase[];
}

export interface FaultTargets {
  worker: WorkerProcess;
  server: DevServer;
  feed: ActivityFeed;
  random: () => number;
  say: (line: string) => void;
  /** Set when the campaign stops early (a cycle stuck): no fault is started after it. */
  stopped: () => boolean;
  /** The number of the cycle running now. */
  cycle: () => number;
}

/** How long a fault waits for its phase to come round before it is given up. */
const PHASE_WAIT_MS = 15 * 60_000;
/** How long recovery is awaited before it is reported as not seen. */
const RECOVERY_WAIT_MS = 5 * 60_000;
const SHORT_ACTIVITY_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

export async function injectFaults(plan: FaultPlan, targets: FaultTargets): Promise<{ kills: KillRecord[]; restarts: RestartRecord[] }> {
  const kills: KillRecord[] = [];
  const restarts: RestartRecord[] = [];
  // Server restarts spread evenly between the kills.
  const restartBefore = Array.from({ length: plan.serverRestarts }, (_, j) =>
    Math.floor(((j + 1) * plan.kills) / (plan.serverRestarts + 1)),
  );
  const phases = rotation(plan.phases, targets.random);
  for (let i = 0; i <= plan.kills && !targets.stopped(); i++) {
    for (const at of restartBefore) {
      if (at !== i || targets.stopped()) continue;
      const restart = await restartServer(restarts.length + 1, targets);
      restarts.push(restart);
      targets.say(
        `server restart ${restart.n}/${plan.serverRestarts}: down ${seconds(restart.downMs)}, activities dispatched again ${seconds(restart.resumedMs)} after`,
      );
    }
    if (i === plan.kills || targets.stopped()) break;
    await sleep(targets.random() * 3_000);
    const phase = phases();
    const kill = await killIn(i + 1, phase, modeFor(phase, targets), targets);
    if (!kill) {
      targets.say(`kill ${i + 1}/${plan.kills}: no ${phase} activity came within ${PHASE_WAIT_MS / 60_000} min; skipped`);
      continue;
    }
    kills.push(kill);
    targets.say(
      `kill ${kill.n}/${plan.kills} in ${kill.phase} (${kill.mode}, ${kill.activityType} attempt ${kill.attempt}): worker polling again ${seconds(kill.workerStartMs)}, ` +
        `activities completing ${seconds(kill.resumedMs)}, the interrupted one ${kill.retry} ${seconds(kill.retriedMs)} after the kill`,
    );
  }
  return { kills, restarts };
}

/** Every phase once per round, each round in a fresh order. */
function rotation(phases: readonly Phase[], random: () => number): () => Phase {
  let round: Phase[] = [];
  return () => {
    if (round.length === 0) round = [...phases].sort(() => random() - 0.5);
    const next = round.shift();
    if (!next) throw new Error('no phases to kill in');
    return next;
  };
}

function modeFor(phase: Phase, { feed, random }: FaultTargets): KillMode {
  // The cursor moves at the end of its step: a commit fault is one once it moved, before Temporal heard.
  if (phase === 'commit') return 'before-ack';
  const short = PHASES[phase].every((type) => feed.typicalMs(type) < SHORT_ACTIVITY_MS);
  return random() < 0.5 ? 'before-ack' : short ? 'at-start' : 'mid-run';
}

async function killIn(n: number, phase: Phase, mode: KillMode, targets: FaultTargets): Promise<KillRecord | null> {
  const { worker, feed } = targets;
  const target = mode === 'mid-run' ? await midRun(phase, targets) : await held(phase, mode, targets);
  if (!target) return null;
  const killedLife = worker.life;
  const killedAt = Date.now();
  const cycle = targets.cycle();
  const later = (life: number) => life > killedLife;
  const resumed = feed.next(
    (m, life) => (later(life) && m.type === 'activity' && m.event === 'completed' ? Date.now() : undefined),
    RECOVERY_WAIT_MS,
  );
  const retried = feed.next(
    (m, life) =>
      later(life) && m.type === 'activity' && m.event !== 'started' && activityKey(m) === activityKey(target)
        ? { at: Date.now(), event: m.event }
        : undefined,
    RECOVERY_WAIT_MS,
  );
  await worker
    .killAndRestart()
    .catch((error: unknown) => targets.say(`the restarted worker failed to start (${String(error)}); its supervisor starts another`));
  const workerStartMs = Date.now() - killedAt;
  const [resumedAt, retry] = await Promise.all([resumed, retried]);
  return {
    n,
    cycle,
    phase,
    mode,
    activityType: target.activityType,
    attempt: target.attempt,
    workerStartMs,
    resumedMs: resumedAt === null ? null : resumedAt - killedAt,
    retriedMs: retry === null ? null : retry.at - killedAt,
    retry: retry === null ? 'not seen' : retry.event === 'completed' ? 'completed' : 'failed',
  };
}

/** Waits for an activity of the phase to start, then a random part of its typical duration; it must still run. */
async function midRun(phase: Phase, { feed, random }: FaultTargets): Promise<Target | null> {
  const types: readonly string[] = PHASES[phase];
  const deadline = Date.now() + PHASE_WAIT_MS;
  while (Date.now() < deadline) {
    const started = await feed.next(
      (m) => (m.type === 'activity' && m.event === 'started' && types.includes(m.activityType) ? m : undefined),
      deadline - Date.now(),
    );
    if (!started) return null;
    await sleep(random() * feed.typicalMs(started.activityType));
    if (feed.inFlight.has(activityKey(started))) return started;
  }
  return null;
}

/** Asks the probe to freeze the worker at the phase's next start or completion. */
async function held(phase: Phase, mode: KillMode, { worker, feed }: FaultTargets): Promise<Target | null> {
  worker.hold({ activityTypes: [...PHASES[phase]], at: mode === 'at-start' ? 'started' : 'completed' });
  const holding = await feed.next((m) => (m.type === 'holding' ? m : undefined), PHASE_WAIT_MS);
  if (!holding) worker.hold({ activityTypes: [], at: 'started' });
  return holding;
}

/** At a moment when an activity has just started, the server stops and starts again on its state file. */
async function restartServer(n: number, { server, feed, random }: FaultTargets): Promise<RestartRecord> {
  await feed.next((m) => (m.type === 'activity' && m.event === 'started' ? true : undefined), PHASE_WAIT_MS);
  await sleep(random() * 1_000);
  const stoppedAt = Date.now();
  await server.stop();
  await server.start();
  const servingAt = Date.now();
  // A task started now was dispatched by the restarted server (a completion could be one it never hears of).
  const resumedAt = await feed.next((m) => (m.type === 'activity' && m.event === 'started' ? Date.now() : undefined), RECOVERY_WAIT_MS);
  return { n, downMs: servingAt - stoppedAt, resumedMs: resumedAt === null ? null : resumedAt - servingAt };
}
