/**
 * The worker as its own process — worker/main.ts, the production entry, with the phase probe loaded
 * first (worker-entry.ts) — which the runner SIGKILLs and starts again, as a supervisor would. An
 * exit the runner did not cause is restarted too, and counted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { probeMessageSchema, type HoldRequest, type ProbeMessage } from './probe-messages';

const ROOT = path.resolve(__dirname, '..', '..');
/** The queues whose workers must poll before the process counts as ready. */
const READY_QUEUES = ['insight-hub', 'insight-hub/source-salesforce'];
const START_TIMEOUT_MS = 180_000;

/** A message and the life (1 for the first process, 2 after the first restart…) of the process that sent it. */
export class WorkerProcess extends EventEmitter<{ message: [ProbeMessage, number] }> {
  private child: ChildProcess | null = null;
  /** Starts and stops one after another, never overlapping. */
  private queue: Promise<unknown> = Promise.resolve();
  private supervising = true;
  /** Largest event-loop stall seen in any of the worker's lives, in ms. */
  maxLagMs = 0;
  starts = 0;
  unplannedExits: string[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly logFile: string,
  ) {
    super();
  }

  /** Starts the worker; resolves once its workflow and Salesforce queues are polled. */
  start(): Promise<void> {
    return this.serial(() => this.spawnAndWait());
  }

  /** SIGKILL — no shutdown, no completion reported, no finally blocks — then a new process. */
  killAndRestart(): Promise<void> {
    return this.serial(async () => {
      await this.signal('SIGKILL');
      await this.spawnAndWait();
    });
  }

  /** SIGTERM, the SDK's graceful shutdown; no restart. */
  stop(): Promise<void> {
    this.supervising = false;
    return this.serial(() => this.signal('SIGTERM'));
  }

  /** Freeze at the next start or completion of one of these activities (phase-probe.ts); none: no hold. */
  hold(request: Omit<HoldRequest, 'type'>): void {
    if (this.child?.connected) this.child.send({ type: 'hold', ...request });
  }

  /** The life of the process now running (or starting). */
  get life(): number {
    return this.starts;
  }

  /** For an exit hook: kills the process now, synchronously. */
  killNow(): void {
    this.supervising = false;
    this.child?.kill('SIGKILL');
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async spawnAndWait(): Promise<void> {
    const log = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'worker-entry.ts')], {
      cwd: ROOT,
      env: this.env,
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    this.child = child;
    this.starts += 1;
    const life = this.starts;
    const running = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the worker did not poll within ${START_TIMEOUT_MS / 1000} s (see ${this.logFile})`)),
        START_TIMEOUT_MS,
      );
      child.on('message', (raw) => {
        const parsed = probeMessageSchema.safeParse(raw);
        if (!parsed.success) return;
        const message = parsed.data;
        if (message.type === 'lag') this.maxLagMs = Math.max(this.maxLagMs, message.maxMs);
        if (message.type === 'worker-state' && message.state === 'RUNNING') running.add(message.taskQueue);
        if (READY_QUEUES.every((queue) => running.has(queue))) {
          clearTimeout(timer);
          resolve();
        }
        this.emit('message', message, life);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.child !== child) return; // stopped on purpose
        this.child = null;
        const how = signal ?? `code ${code}`;
        reject(new Error(`the worker exited (${how}) (see ${this.logFile})`));
        if (!this.supervising) return;
        this.unplannedExits.push(how);
        void this.start().catch(() => undefined);
      });
    });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }
}
