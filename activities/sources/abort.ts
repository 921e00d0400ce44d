/** Client libraries that take no AbortSignal (jsforce, google-gax) still stop waiting when an activity is cancelled. */

/** Resolves with `work`, or rejects with the abort reason as soon as `signal` fires. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
