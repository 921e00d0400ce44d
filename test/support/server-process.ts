/**
 * A server binary a test file starts itself (Prometheus, moto_server): spawned with its stderr's tail
 * kept, stopped at teardown, and waited for until `readyUrl` answers 2xx. An early exit fails at once
 * with what it wrote to stderr.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { eventually } from './eventually';
import type { Defer } from './fixture';

export async function startServerProcess(
  server: { name: string; command: string; args: readonly string[]; readyUrl: string },
  defer: Defer,
): Promise<void> {
  const child = spawn(server.command, server.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4_000);
  });
  defer(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
  await eventually(
    `${server.name} ready at ${server.readyUrl}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${server.name} exited (${child.exitCode}): ${errors}`);
      return fetch(server.readyUrl).then(
        (response) => response.ok || undefined,
        () => undefined,
      );
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}
