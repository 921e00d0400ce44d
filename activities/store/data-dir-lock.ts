/**
 * PGlite is one PostgreSQL backend inside this process: a second process opening the same data
 * folder would corrupt it. A lock file beside the folder (holding the owner's pid) turns that into
 * a clear error; a lock left by a process that died is taken over.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorCode, isProcessAlive } from '../processes';

/** Data folders this process holds, so a reused pid (containers restart as pid 1) is not "alive". */
const heldHere = new Set<string>();

function holderOf(content: string, dataDir: string): number | null {
  const pid = Number(content.trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (pid === process.pid) return heldHere.has(dataDir) ? pid : null;
  return isProcessAlive(pid) ? pid : null;
}

/** Takes the lock on `dataDir` or throws naming the holder; resolves to the release function. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const resolved = path.resolve(dataDir);
  const lockPath = `${resolved}.lock`;
  await mkdir(path.dirname(lockPath), { recursive: true });
  for (;;) {
    try {
      await writeFile(lockPath, String(process.pid), { flag: 'wx' });
      heldHere.add(resolved);
      return async () => {
        heldHere.delete(resolved);
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const holder = holderOf(await readFile(lockPath, 'utf8').catch(() => ''), resolved);
    if (holder !== null) {
      throw new Error(
        `the control-plane data folder ${resolved} is open in process ${holder}; PGlite allows one process ` +
          'per folder: run the API and the worker in one process, or set DATABASE_URL to share a PostgreSQL server',
      );
    }
    await rm(lockPath, { force: true });
  }
}
