/**
 * Loaded into the worker process the fault runner starts (worker-entry.ts) before the real entry,
 * worker/main.ts. It installs the SDK's runtime logger before the worker connects, and turns the SDK's own activity
 * lifecycle lines ('Activity started', 'Activity completed') into messages to the runner over IPC.
 * On the runner's request it freezes the process at the next start or completion of a given
 * activity (the completion line comes after the activity's work and before Temporal hears of it),
 * so the runner's SIGKILL lands exactly there. Nothing else in the worker changes.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { holdRequestSchema, type HoldRequest, type ProbeMessage } from './probe-messages';

/** The longest a hold lasts when no kill comes (the runner died): the worker then goes on. */
const HOLD_LIMIT_MS = 60_000;
const LAG_REPORT_MS = 2_000;

let hold: HoldRequest | null = null;

function send(message: ProbeMessage): void {
  process.send?.(message);
}

/** Blocks the event loop: nothing this process has not yet told Temporal gets told. */
function freeze(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, HOLD_LIMIT_MS);
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const count = (value: unknown): number => (typeof value === 'number' ? value : 0);

function onActivityLine(event: 'started' | 'completed' | 'failed', meta: Record<string, unknown>): void {
  const activity = {
    activityType: text(meta.activityType),
    activityId: text(meta.activityId),
    workflowId: text(meta.workflowId),
    attempt: count(meta.attempt),
  };
  send({ type: 'activity', event, ...activity, durationMs: count(meta.durationMs) });
  if (hold && event === hold.at && hold.activityTypes.includes(activity.activityType)) {
    hold = null;
    send({ type: 'holding', event, ...activity });
    freeze();
  }
}

const ACTIVITY_LINES: Record<string, 'started' | 'completed' | 'failed'> = {
  'Activity started': 'started',
  'Activity completed': 'completed',
  'Activity failed': 'failed',
};

function log(entry: LogEntry): void {
  const meta = entry.meta ?? {};
  const event = ACTIVITY_LINES[entry.message];
  if (event) onActivityLine(event, meta);
  else if (entry.message === 'Worker state changed')
    send({ type: 'worker-state', taskQueue: text(meta.taskQueue), state: text(meta.state) });
  if (entry.level === 'WARN' || entry.level === 'ERROR')
    process.stderr.write(`[sdk ${entry.level}] ${entry.message} ${JSON.stringify(meta)}\n`);
}

Runtime.install({ logger: new DefaultLogger('DEBUG', log) });

process.on('message', (message: unknown) => {
  const parsed = holdRequestSchema.safeParse(message);
  if (parsed.success) hold = parsed.data.activityTypes.length > 0 ? parsed.data : null;
});
// The channel must not keep the worker alive once it shut down on SIGTERM.
process.channel?.unref();

// The longest the event loop stood still: a stall past the heartbeat timeout would look like a death.
const lag = monitorEventLoopDelay({ resolution: 20 });
lag.enable();
setInterval(() => {
  send({ type: 'lag', maxMs: lag.max / 1e6 });
  lag.reset();
}, LAG_REPORT_MS).unref();
