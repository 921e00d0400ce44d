/**
 * A real S3-compatible server for a test file: moto's standalone server (moto_server) from the
 * environment `bash scripts/python-env.sh moto` makes, on a free port, stopped at teardown. Without
 * that environment the suites that need it are skipped, saying how to create it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freeLoopbackPort } from '../../worker/temporal-runtime';
import { useFixture, type Defer } from './fixture';
import { startServerProcess } from './server-process';

const ROOT = path.resolve(__dirname, '../..');
const VENV = process.env.MOTO_VENV ?? path.join(ROOT, '.data/moto-venv');
const REQUIREMENTS = path.join(ROOT, 'test/staging/moto/requirements.txt');

/** The server's URL and the credentials it takes (moto takes any). */
export interface S3Server {
  endpoint: string;
  credentials: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string; AWS_REGION: string };
}

/** moto_server, or why the tests cannot have it. */
export function motoServer(): { command: string } | { missing: string } {
  const command = path.join(VENV, 'bin/moto_server');
  const stamp = path.join(VENV, '.insight-hub-requirements');
  const wanted = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex');
  if (!existsSync(command) || !existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== wanted) {
    return {
      missing: `no moto environment at ${VENV} holding test/staging/moto/requirements.txt (create it: bash scripts/python-env.sh moto)`,
    };
  }
  return { command };
}

export async function startS3Server(defer: Defer): Promise<S3Server> {
  const found = motoServer();
  if ('missing' in found) throw new Error(found.missing);
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  await startServerProcess(
    { name: 'moto_server', command: found.command, args: ['-H', '127.0.0.1', '-p', String(port)], readyUrl: `${endpoint}/moto-api/` },
    defer,
  );
  return {
    endpoint,
    credentials: { AWS_ACCESS_KEY_ID: 'insight-hub-test', AWS_SECRET_ACCESS_KEY: 'insight-hub-test', AWS_REGION: 'us-east-1' },
  };
}

/** The server for the describe block; the S3 clients of this process find its credentials in the environment. */
export function useS3Server(): () => S3Server {
  return useFixture('moto_server', async (defer) => {
    const server = await startS3Server(defer);
    const saved = { ...process.env };
    Object.assign(process.env, server.credentials);
    defer(() => {
      for (const name of Object.keys(server.credentials)) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });
    return server;
  });
}
