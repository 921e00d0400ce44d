/**
 * Calls that arrive while one is under way wait for it and then go together, in arrival order, as
 * one call (a group commit). A lone call goes on the next turn of the event loop, not after a timer:
 * nothing waits when nothing else is running, and under load a group is what arrived during the
 * previous call. Each caller's promise settles with its own result once its group's call settled.
 */
export interface GroupLimit<T> {
  /** What an item counts towards `max` (1 by default). */
  weight?: (item: T) => number;
  /** A group closes before this weight; an item heavier than it goes alone. */
  max: number;
}

/** A result standing for one item that failed on its own: its caller gets the error, the others their results. */
export class ItemFailure {
  constructor(readonly error: unknown) {}
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * `run` takes a group and answers one result (or ItemFailure) per item, in order; when it throws,
 * every caller of the group gets that error. Returns the function callers use, one item at a time.
 */
export function groupWhileBusy<T, R>(run: (items: T[]) => Promise<(R | ItemFailure)[]>, limit: GroupLimit<T>): (item: T) => Promise<R> {
  const weight = limit.weight ?? (() => 1);
  const queue: Waiting<T, R>[] = [];
  let busy = false;

  function nextGroup(): Waiting<T, R>[] {
    let total = 0;
    let size = 0;
    for (const waiting of queue) {
      total += weight(waiting.item);
      if (size > 0 && total > limit.max) break;
      size += 1;
    }
    return queue.splice(0, size);
  }

  async function runGroups(): Promise<void> {
    while (queue.length > 0) {
      const group = nextGroup();
      try {
        const results = await run(group.map((waiting) => waiting.item));
        if (results.length !== group.length) throw new Error(`a group of ${group.length} was answered with ${results.length} results`);
        results.forEach((result, index) => {
          if (result instanceof ItemFailure) group[index]?.reject(result.error);
          else group[index]?.resolve(result);
        });
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    busy = false;
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (busy) return;
      busy = true;
      // The next turn, so that items arriving in this one (requests read together) share the call.
      setImmediate(() => void runGroups());
    });
}

/**
 * A read that concurrent callers share: those who ask while one is under way get the next one, each
 * key read once per group. Every answer was read after its caller asked, so it is no staler than a
 * read of the caller's own.
 */
export function sharedRead<K, V>(read: (key: K) => Promise<V>): (key: K) => Promise<V> {
  return groupWhileBusy(
    async (keys: K[]) => {
      const distinct = [...new Set(keys)];
      const settled = await Promise.allSettled(distinct.map((key) => read(key)));
      const answers = new Map(distinct.map((key, index) => [key, settled[index]]));
      return keys.map((key) => {
        const answer = answers.get(key);
        return answer?.status === 'fulfilled' ? answer.value : new ItemFailure(answer?.reason);
      });
    },
    { max: Number.POSITIVE_INFINITY },
  );
}
