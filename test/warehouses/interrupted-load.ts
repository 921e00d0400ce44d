/**
 * A load killed part-way, as a worker process dies mid-load: the load runs in a child process whose
 * quarantine file is a named pipe. The clean rows are read (and, for plug-ins that merge before
 * appending quarantine, merged) before the pipe is opened; the moment the child opens it, it is
 * killed with SIGKILL, inside its load, with nothing written to the pipe.
 */
import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DestinationConfig } from '../../domain/connector';
import type { LoadBatch } from '../../activities/warehouses/types';

const CHILD = path.join(__dirname, 'load-child.ts');
const REPOSITORY = path.resolve(__dirname, '../..');

export async function killLoadPartWay(options: {
  config: DestinationConfig;
  dataDir: string;
  batch: LoadBatch;
  /** A folder for the pipe. */
  scratchDir: string;
}): Promise<void> {
  const pipe = path.join(options.scratchDir, `quarantine-${process.pid}-${Date.now()}.fifo`);
  await promisify(execFile)('mkfifo', [pipe]);
  const { batch } = options;
  const argument = JSON.stringify({
    config: options.config,
    dataDir: options.dataDir,
    connectorId: batch.connectorId,
    source: batch.source,
    loadId: batch.loadId,
    cleanFile: batch.cleanFile,
    quarantineFile: pipe,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, argument], {
    cwd: REPOSITORY,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  // Opening a pipe for writing waits until a reader opens it: then the child is inside its load.
  const writer = open(pipe, 'w');
  const outcome = await Promise.race([writer.then(() => 'reading' as const), exited.then(() => 'exited' as const)]);
  if (outcome === 'reading') {
    child.kill('SIGKILL');
    await exited;
    await (await writer).close();
    return;
  }
  await releaseWaitingWriter(pipe, writer);
  throw new Error(`the load finished without reading its quarantine file, so it could not be killed part-way:\n${output}`);
}

/** A writer still waiting for a reader would hold a thread forever: give it one, then close both. */
async function releaseWaitingWriter(pipe: string, writer: ReturnType<typeof open>): Promise<void> {
  const reader = await open(pipe, constants.O_RDONLY | constants.O_NONBLOCK);
  await (await writer).close();
  await reader.close();
}
