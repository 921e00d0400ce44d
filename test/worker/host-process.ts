/**
 * A worker host for the two-hosts test: host-child.ts in a process of its own with its own data folder,
 * stopped at teardown, reporting its activities' lifecycle as probe messages the test can wait for or hold.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { probeMessageSchema, type ProbeMessage } from '../../bench/faults/probe-messages';
import type { Defer } from '../support/fixture';
import { WORKFLOW_BUNDLE_VARIABLE } from '../support/temporal';

export interface Host {
  child: ChildProcess;
  /** The first probe message (activity lifecycle) from now on that `match` accepts, and when it came. */
  next(match: (message: ProbeMessage) => boolean, timeoutMs: number): Promise<{ message: ProbeMessage; at: number }>;
  hold(activityTypes: string[]): void;
}

export function startHost(name: string, taskQueue: string, env: NodeJS.ProcessEnv, dataDir: string, defer: Defer): Promise<Host> {
  // Each host loads the run's prebuilt bundle as a deployed worker loads the image's, not webpack at start.
  const bundle = process.env[WORKFLOW_BUNDLE_VARIABLE];
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'host-child.ts'), taskQueue], {
    env: { ...process.env, ...(bundle ? { INSIGHT_HUB_WORKFLOW_BUNDLE: bundle } : {}), ...env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
  const waiters: ((message: ProbeMessage, at: number) => boolean)[] = [];
  child.on('message', (raw: unknown) => {
    const parsed = probeMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const at = Date.now();
    for (const waiter of [...waiters]) if (waiter(parsed.data, at)) waiters.splice(waiters.indexOf(waiter), 1);
  });
  const host: Host = {
    child,
    next: (match, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`host ${name}: no such activity event within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((message, at) => {
          if (!match(message)) return false;
          clearTimeout(timer);
          resolve({ message, at });
          return true;
        });
      }),
    hold: (activityTypes) => child.send({ type: 'hold', activityTypes, at: 'started' }),
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`host ${name} exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout ?? process.stdin }).on('line', (line) => {
      if (line === 'ready') resolve(host);
    });
  });
}
