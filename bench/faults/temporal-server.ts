/**
 * A Temporal dev server of the fault runner's own, started by scripts/temporal.sh (the demo's way)
 * with its state in a file, so that stopping and starting it again keeps every workflow.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';

const ROOT = path.resolve(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class DevServer {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly uiPort: number,
    private readonly dbFile: string,
    private readonly logFile: string,
  ) {}

  static async create(dataDir: string): Promise<DevServer> {
    return new DevServer(await freePort(), await freePort(), path.join(dataDir, 'temporal.db'), path.join(dataDir, 'temporal.log'));
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 120_000): Promise<void> {
    const log = openSync(this.logFile, 'a');
    // The script execs the server: this child's pid is the server's.
    this.child = spawn('bash', [path.join(ROOT, 'scripts', 'temporal.sh'), 'start'], {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: '',
        TEMPORAL_PORT: String(this.port),
        TEMPORAL_UI_PORT: String(this.uiPort),
        TEMPORAL_DB_FILE: this.dbFile,
      },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    await this.waitUntilServing(timeoutMs);
  }

  /** SIGTERM (the server's own shutdown), SIGKILL after a while. */
  async stop(timeoutMs = 30_000): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** For an exit hook: kills the server now, synchronously. */
  killNow(): void {
    this.child?.kill('SIGKILL');
  }

  private async waitUntilServing(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const child = this.child;
      if (!child || child.exitCode !== null) throw new Error(`the Temporal dev server exited on start (see ${this.logFile})`);
      try {
        const connection = await Connection.connect({ address: this.address, connectTimeout: 2_000 });
        try {
          await connection.workflowService.describeNamespace({ namespace: 'default' });
          return;
        } finally {
          await connection.close();
        }
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`the Temporal dev server did not answer within ${timeoutMs / 1000} s: ${String(error)}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}
