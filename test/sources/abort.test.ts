/**
 * untilAborted: a caller that stops waiting (an activity cancelled, an API request's discovery
 * past its timeout) gets the abort reason, and the client call it gave up on may still fail later
 * without that failure ending the process as an unhandled rejection.
 */
import { untilAborted } from '../../activities/sources/abort';

/** A client call that fails once the test says so, as a DNS lookup that answers after the timeout. */
function failingLater(): { work: Promise<never>; fail: () => void } {
  let fail = (): void => undefined;
  const work = new Promise<never>((_resolve, reject) => {
    fail = () => reject(new Error('getaddrinfo ENOTFOUND 0.com'));
  });
  return { work, fail };
}

/** Collects the process's unhandled rejections while `body` runs and a few turns after it. */
async function unhandledRejectionsDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => void seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await body();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

describe('untilAborted', () => {
  it('answers with the work when the signal stays quiet', async () => {
    await expect(untilAborted(Promise.resolve(42), new AbortController().signal)).resolves.toBe(42);
  });

  it('passes on the work’s own failure', async () => {
    await expect(untilAborted(Promise.reject(new Error('refused')), new AbortController().signal)).rejects.toThrow('refused');
  });

  it('rejects with the reason when the signal fires while waiting, and the work’s later failure is not left unhandled', async () => {
    const controller = new AbortController();
    const { work, fail } = failingLater();
    const unhandled = await unhandledRejectionsDuring(async () => {
      const waiting = untilAborted(work, controller.signal);
      controller.abort(new Error('discovery timed out'));
      await expect(waiting).rejects.toThrow('discovery timed out');
      fail();
    });
    expect(unhandled).toEqual([]);
  });

  it('rejects at once on a signal that already fired, and the work’s later failure is not left unhandled', async () => {
    const { work, fail } = failingLater();
    const unhandled = await unhandledRejectionsDuring(async () => {
      await expect(untilAborted(work, AbortSignal.abort(new Error('timed out before the call')))).rejects.toThrow(
        'timed out before the call',
      );
      fail();
    });
    expect(unhandled).toEqual([]);
  });
});
