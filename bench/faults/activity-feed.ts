/** What the worker's probe reports, kept for the runner: activities in flight, typical durations, progress. */
import type { ActivityEvent, ProbeMessage } from './probe-messages';
import type { WorkerProcess } from './worker-process';

/** The phases the runner kills in, by the activities that make them up. */
export const PHASES = {
  extract: ['extractPage', 'combinePages'],
  validate: ['validateBatch'],
  load: ['loadBatch'],
  // A loaded batch's load moves its cursor itself (load-commits-cursor); commitCursor, a batch not loaded.
  commit: ['loadBatch', 'commitCursor'],
  record: ['recordCycle'],
} as const;
export type Phase = keyof typeof PHASES;

export const activityKey = (event: Pick<ActivityEvent, 'workflowId' | 'activityId'>): string => `${event.workflowId}/${event.activityId}`;

interface Waiter {
  accept(message: ProbeMessage, life: number): boolean;
}

export class ActivityFeed {
  /** Activities started and not yet completed or failed, by activityKey. */
  readonly inFlight = new Map<string, ActivityEvent>();
  lastCompletionAt = Date.now();
  completed = 0;
  private readonly durations = new Map<string, number[]>();
  private life = 0;
  private waiters: Waiter[] = [];

  constructor(worker: WorkerProcess) {
    worker.on('message', (message, life) => this.receive(message, life));
  }

  /** The median duration of an activity type so far (a guess of 200 ms before any was seen). */
  typicalMs(activityType: string): number {
    const seen = [...(this.durations.get(activityType) ?? [])].sort((a, b) => a - b);
    return seen[Math.floor(seen.length / 2)] ?? 200;
  }

  /** The first message from now on that `match` maps to a value; null after `timeoutMs`. */
  next<T>(match: (message: ProbeMessage, life: number) => T | undefined, timeoutMs: number): Promise<T | null> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        accept: (message, life) => {
          const value = match(message, life);
          if (value === undefined) return false;
          clearTimeout(timer);
          resolve(value);
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private receive(message: ProbeMessage, life: number): void {
    // A killed process's activities are no longer in flight; a late line from it changes nothing.
    if (life > this.life) this.inFlight.clear();
    this.life = Math.max(this.life, life);
    if (message.type === 'activity' && life === this.life) {
      const key = activityKey(message);
      if (message.event === 'started') this.inFlight.set(key, message);
      else this.inFlight.delete(key);
      if (message.event === 'completed') {
        this.completed += 1;
        this.lastCompletionAt = Date.now();
        const seen = this.durations.get(message.activityType) ?? [];
        seen.push(message.durationMs);
        this.durations.set(message.activityType, seen.slice(-50));
      }
    }
    this.waiters = this.waiters.filter((waiter) => !waiter.accept(message, life));
  }
}
