/**
 * scripts/temporal.sh start, as the README's run command uses it: a dev server whose state survives
 * a restart, with the project's search attributes, and nothing started when TEMPORAL_ADDRESS is set.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { searchAttributes } from '../../domain/constants';
import { eventually } from '../support/eventually';
import { useTempDir } from '../support/temp-dir';
import { uniqueName } from '../support/temporal';

const SCRIPT = path.resolve(__dirname, '../../scripts/temporal.sh');

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the OS');
  return address.port;
}

function scriptEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
  if (!('TEMPORAL_ADDRESS' in overrides)) delete env.TEMPORAL_ADDRESS;
  return env;
}

/** SIGTERM is what Ctrl-C in scripts/start.sh sends; SIGKILL skips the seconds of a graceful stop. */
async function stop(server: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const exited = once(server, 'exit');
  server.kill(signal);
  await exited;
}

/** Retries until the freshly started server accepts a connection. */
function connect(address: string): Promise<Connection> {
  return eventually(`Temporal at ${address}`, () => Connection.connect({ address, connectTimeout: 1_000 }).catch(() => undefined), {
    timeoutMs: 30_000,
    intervalMs: 250,
  });
}

describe('scripts/temporal.sh start', () => {
  const folder = useTempDir('temporal-script-');

  it('keeps workflows and search attributes across a restart', async () => {
    const port = await freePort();
    const env = scriptEnvironment({
      TEMPORAL_DB_FILE: path.join(folder.path, 'temporal.db'),
      TEMPORAL_PORT: String(port),
      TEMPORAL_UI_PORT: String(await freePort()),
    });
    const address = `127.0.0.1:${port}`;
    const workflowId = uniqueName('survives-restart');
    const connectorId = uniqueName('connector');

    const first = spawn('bash', [SCRIPT, 'start'], { env, stdio: 'ignore' });
    try {
      const connection = await connect(address);
      // No worker polls this queue: the workflow stays running, which is all a restart must keep.
      await new Client({ connection }).workflow.start('neverPolled', {
        taskQueue: uniqueName('nobody'),
        workflowId,
        typedSearchAttributes: [{ key: searchAttributes.connectorId, value: connectorId }],
      });
      await connection.close();
    } finally {
      await stop(first, 'SIGTERM');
    }

    const second = spawn('bash', [SCRIPT, 'start'], { env, stdio: 'ignore' });
    try {
      const connection = await connect(address);
      const client = new Client({ connection });
      const described = await client.workflow.getHandle(workflowId).describe();
      expect(described.status.name).toBe('RUNNING');
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(Object.values(searchAttributes).map((key) => key.name)));
      const listed = await eventually('the workflow in visibility', async () => {
        for await (const execution of client.workflow.list({ query: `ConnectorId = "${connectorId}"` })) {
          return execution.workflowId;
        }
        return undefined;
      });
      expect(listed).toBe(workflowId);
      await connection.close();
    } finally {
      await stop(second, 'SIGKILL');
    }
  });

  it('starts nothing when TEMPORAL_ADDRESS names a cluster', async () => {
    const { stderr } = await promisify(execFile)('bash', [SCRIPT, 'start'], {
      env: scriptEnvironment({ TEMPORAL_ADDRESS: 'temporal.example:7233' }),
    });
    expect(stderr).toContain('TEMPORAL_ADDRESS=temporal.example:7233 is set');
  });
});
