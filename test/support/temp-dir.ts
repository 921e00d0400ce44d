/** Temporary folders for tests: made under the OS's temporary folder, removed with all they hold. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { useFixture, type Defer, type FixtureOptions } from './fixture';

/** A fresh folder named `<prefix><random>`, removed at teardown. */
export async function tempDir(prefix: string, defer: Defer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  defer(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export interface TempDirHandle {
  readonly path: string;
}

/** A folder for the describe block (or, with `each`, a fresh one for each test). */
export function useTempDir(prefix: string, options?: FixtureOptions): TempDirHandle {
  const dir = useFixture(`the temporary folder ${prefix}`, (defer) => tempDir(prefix, defer), options);
  return {
    get path() {
      return dir();
    },
  };
}
