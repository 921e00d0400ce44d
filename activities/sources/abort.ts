/** Client libraries that take no AbortSignal (jsforce, google-gax) still stop waiting when an activity is cancelled. */

/**
 * Resolves with `work`, or rejects with the abort reason as soon as `signal` fires. `work` is always
 * observed: when the caller has stopped waiting, its later failure is dropped rather than left as an
 * unhandled rejection, which would end the process (an API request's discovery that outlived its
 * timeout took the whole API down this way).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    work.then(resolve, reject);
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => undefined);
  });
}
