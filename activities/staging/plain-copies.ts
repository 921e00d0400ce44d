/**
 * Decrypted copies of sealed batches, for warehouse loaders that read a path (DuckDB's read_json,
 * Snowflake's PUT…). Where /proc/self/fd reopens a file (Linux), the plaintext never has a name: it
 * goes into a file unlinked as soon as it is opened, and the loader reads it through a symbolic link
 * to the open descriptor, so it lasts exactly as long as its load holds it and a killed worker leaves
 * nothing readable behind. Elsewhere it is a private file, removed when the load settles.
 *
 * Each load's folder is named after its host and process, so a worker starting up (or an erasure)
 * tells a live load's folder from one a killed worker left: on this host, one of this process is
 * live while its load runs, one of another process while that process runs. A folder from another
 * host sharing the data folder, or from a version that named folders otherwise, can only be judged
 * by its age.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rm, symlink, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isProcessAlive } from '../processes';

/** Where loads keep their copies, under the staging root; a dot folder, so no walk takes it for batches. */
export const OPENED_DIR = '.opened';

/** Far past any load: a folder another host (or an older version) made is abandoned after this long. */
export const LONGEST_LOAD_MS = 60 * 60_000;

const PROC_FD = '/proc/self/fd';
const SEPARATOR = '+';

/** Load folders of this process whose load is still running, by absolute path. */
const runningHere = new Set<string>();

const thisHost = (): string => encodeURIComponent(hostname());

/** `<host>+<pid>+<uuid>`: '+' is in no host name, and encodeURIComponent escapes it anyway. */
function newFolderName(): string {
  return [thisHost(), process.pid, randomUUID()].join(SEPARATOR);
}

function ownerOf(name: string): { host: string; pid: number } | null {
  const [host, pid, id, ...rest] = name.split(SEPARATOR);
  if (host === undefined || id === undefined || rest.length > 0 || !/^[1-9][0-9]*$/.test(pid ?? '')) return null;
  return { host, pid: Number(pid) };
}

/** Whether no running load can be using the folder (see the module comment). */
function isAbandoned(folder: string, ageMs: number, foreignAfterMs: number): boolean {
  const owner = ownerOf(path.basename(folder));
  if (owner === null || owner.host !== thisHost()) return ageMs >= foreignAfterMs;
  // Our own pid on a folder we do not hold: an earlier process that had it (containers restart as pid 1).
  if (owner.pid === process.pid) return !runningHere.has(folder);
  return !isProcessAlive(owner.pid);
}

/** Removes every load folder under `openedDir` that no running load uses; returns how many. */
export async function discardAbandonedCopies(openedDir: string, foreignAfterMs: number, now: Date): Promise<number> {
  const entries = await readdir(openedDir).catch(() => []);
  let removed = 0;
  for (const name of entries) {
    const folder = path.join(openedDir, name);
    const info = await lstat(folder).catch(() => null);
    // Gone meanwhile: its load finished, or another worker's clean-up took it.
    if (info === null || !isAbandoned(folder, now.getTime() - info.mtimeMs, foreignAfterMs)) continue;
    await rm(folder, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}

let anonymousSupport: Promise<boolean> | null = null;

/** Whether an unlinked file can be reopened through /proc/self/fd here: tried once per process. */
function anonymousFilesWork(dir: string): Promise<boolean> {
  anonymousSupport ??= (async () => {
    if (process.platform !== 'linux') return false;
    const probe = path.join(dir, `.probe-${randomUUID()}`);
    let handle: FileHandle | null = null;
    try {
      handle = await open(probe, 'wx+', 0o600);
      await unlink(probe);
      await handle.writeFile('ok');
      return (await readFile(path.join(PROC_FD, String(handle.fd)), 'utf8')) === 'ok';
    } catch {
      return false;
    } finally {
      await handle?.close();
      await rm(probe, { force: true });
    }
  })();
  return anonymousSupport;
}

/** One load's copies: each decrypted once, read by path while the load runs, all gone on `close`. */
export interface PlainCopyFolder {
  /** Writes `plain` (a batch's decrypted bytes) as `name`; returns the path the loader reads it by. */
  add(name: string, plain: Readable): Promise<string>;
  close(): Promise<void>;
}

export async function openPlainCopyFolder(openedDir: string): Promise<PlainCopyFolder> {
  const dir = path.join(openedDir, newFolderName());
  runningHere.add(dir);
  const handles: FileHandle[] = [];
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    runningHere.delete(dir);
    throw error;
  }
  const anonymous = await anonymousFilesWork(dir);
  return {
    async add(name, plain) {
      const copy = path.join(dir, name);
      if (!anonymous) {
        await pipeline(plain, createWriteStream(copy, { mode: 0o600, flags: 'wx' }));
        return copy;
      }
      // Unlinked before a byte is written: from here on only the descriptor reaches the plaintext.
      const hidden = path.join(dir, `.${randomUUID()}`);
      const handle = await open(hidden, 'wx+', 0o600);
      handles.push(handle);
      await unlink(hidden);
      await pipeline(plain, async (chunks: AsyncIterable<Buffer>) => {
        // Each chunk whole, at the file's position: writeFile on a handle loops over short writes.
        for await (const chunk of chunks) await handle.writeFile(chunk);
      });
      await symlink(path.join(PROC_FD, String(handle.fd)), copy);
      return copy;
    },
    async close() {
      try {
        await rm(dir, { recursive: true, force: true });
      } finally {
        await Promise.all(handles.map((handle) => handle.close()));
        runningHere.delete(dir);
      }
    },
  };
}
