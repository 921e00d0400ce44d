/**
 * What a test file sets up and tears down, in one place: each thing a set-up opens is handed to
 * `defer` as soon as it is open, and teardown closes what was opened, last first — also when set-up
 * failed half-way or timed out.
 */

/** Set-up starts servers, workers and bundles: on a busy two-core machine that can take minutes. */
export const HOOK_TIMEOUT_MS = 180_000;

/** Hands teardown what was just opened; it is closed at teardown, before what was opened earlier. */
export type Defer = (cleanup: () => unknown) => void;

/** Cleanups run last first; every one runs, and the first failure is reported after all ran. */
class Cleanups {
  private readonly pending: (() => unknown)[] = [];
  private closed = false;

  /** After `close`, a late set-up (one that timed out) closes what it still opens at once. */
  readonly defer: Defer = (cleanup) => {
    if (this.closed)
      void Promise.resolve()
        .then(cleanup)
        .catch(() => undefined);
    else this.pending.push(cleanup);
  };

  async close(): Promise<unknown[]> {
    this.closed = true;
    const failures: unknown[] = [];
    for (const cleanup of this.pending.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        failures.push(error);
      }
    }
    return failures;
  }
}

/**
 * The fixtures of this test file that are set up, in set-up order (jest loads this module once per
 * test file). Jest runs after-hooks in the order they were declared, not in reverse; so a fixture's
 * teardown first closes every fixture set up after it, and the teardown of those finds nothing left.
 */
const active: Cleanups[] = [];

async function closeFrom(cleanups: Cleanups): Promise<void> {
  const at = active.indexOf(cleanups);
  if (at < 0) return;
  const failures: unknown[] = [];
  for (const closing of active.splice(at).reverse()) failures.push(...(await closing.close()));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} cleanups failed`);
}

export interface FixtureOptions {
  /** Set up before each test and torn down after it, instead of once for the describe block. */
  each?: boolean;
  /** For set-up and for teardown each. */
  timeoutMs?: number;
}

/**
 * Registers set-up and teardown hooks in the describe block (or file) it is called in, and returns
 * the value's getter, which throws before set-up ran and after it failed.
 */
export function useFixture<T>(
  what: string,
  setUp: (defer: Defer) => Promise<T>,
  { each = false, timeoutMs = HOOK_TIMEOUT_MS }: FixtureOptions = {},
): () => T {
  let current: { value: T } | undefined;
  let cleanups: Cleanups | undefined;
  (each ? beforeEach : beforeAll)(async () => {
    const opened = new Cleanups();
    cleanups = opened;
    active.push(opened);
    // Closed last: the value serves the cleanups that are handed what was opened on it (onTeardown).
    opened.defer(() => {
      current = undefined;
    });
    current = { value: await setUp(opened.defer) };
  }, timeoutMs);
  (each ? afterEach : afterAll)(async () => {
    if (cleanups) await closeFrom(cleanups);
  }, timeoutMs);
  return () => {
    if (!current) throw new Error(`${what} is not set up: its set-up has not run, or it failed (see the first error)`);
    return current.value;
  };
}

/**
 * `onto` with a getter for each named property of the fixture's value: the object may be held (and
 * its methods taken apart) at the top of a file, and each property is read when used, throwing until
 * set-up has run.
 */
export function readThrough<V, K extends keyof V>(fixture: () => NoInfer<Pick<V, K>>, keys: readonly K[], onto: Omit<V, K>): V {
  for (const key of keys) Object.defineProperty(onto, key, { get: () => fixture()[key], enumerable: true });
  return onto as V;
}

/**
 * Closes `cleanup` with the fixture set up last, before what that fixture opened: for what a test
 * file's own hook opens on its fixtures (a workflow it leaves running, workers on useTemporal's
 * connection). A file's own afterAll would run too late: after the fixtures' teardown.
 */
export function onTeardown(cleanup: () => unknown): void {
  const last = active.at(-1);
  if (!last) throw new Error('onTeardown: no fixture is set up to tear it down with');
  last.defer(cleanup);
}

/** A `defer` for the running test: what a test hands it is closed after that test, last first. */
export function useTestCleanups(): Defer {
  const defer = useFixture('the cleanups of the test', async (testDefer) => testDefer, { each: true });
  return (cleanup) => defer()(cleanup);
}

/** Wraps a simulator's start: each simulator it starts is stopped after the test that started it. */
export function useSimulators<A extends unknown[], S extends { stop(): Promise<unknown> }>(
  start: (...args: A) => Promise<S>,
): (...args: A) => Promise<S> {
  const defer = useTestCleanups();
  return async (...args) => {
    const simulator = await start(...args);
    defer(() => simulator.stop());
    return simulator;
  };
}
