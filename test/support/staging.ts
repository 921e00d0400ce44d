/** A staging area for tests: batches written under a temporary folder that teardown removes. */
import { Staging } from '../../activities/staging/staging';
import { readThrough, useFixture, type FixtureOptions } from './fixture';
import { tempDir } from './temp-dir';

export interface StagingHandle {
  /** The folder the batches are written under. */
  readonly root: string;
  readonly staging: Staging;
}

/** A staging area for the describe block (or, with `each`, a fresh one for each test). */
export function useStaging(prefix: string, options?: FixtureOptions): StagingHandle {
  const staged = useFixture(
    `the staging area ${prefix}`,
    async (defer) => {
      const root = await tempDir(prefix, defer);
      return { root, staging: new Staging(root) };
    },
    options,
  );
  return readThrough(staged, ['root', 'staging'], {});
}
