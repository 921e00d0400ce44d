/**
 * Group commit: many callers' rows written by one statement (or one transaction), each caller
 * answered only once what holds its row has committed. Rows that arrive while a write is under way
 * go together in the next one (group-while-busy.ts). Fifty requests that each must leave a row thus
 * commit (and flush the WAL) a few times instead of fifty, and each still waits for its own row.
 */
import { groupWhileBusy, ItemFailure, type GroupLimit } from '../group-while-busy';

/** A statement error the server answered with: the statement failed as a whole and wrote nothing. */
function refusedByServer(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code)
  );
}

/**
 * `writeAll` writes its items, in order, atomically, and answers one result per item. When the server
 * refuses a group of several items (one item's value, say), each of them is written on its own so
 * that only the item at fault fails. A failure without the server's answer (a lost connection) may
 * have committed: it goes to every caller of the group, never retried, so nothing is written twice.
 */
export function groupCommit<T, R>(writeAll: (items: readonly T[]) => Promise<R[]>, limit: GroupLimit<T>): (item: T) => Promise<R> {
  return groupWhileBusy(async (items: T[]) => {
    try {
      return await writeAll(items);
    } catch (error) {
      if (items.length === 1 || !refusedByServer(error)) throw error;
      const results: (R | ItemFailure)[] = [];
      for (const item of items) {
        try {
          results.push(...(await writeAll([item])));
        } catch (failure) {
          results.push(new ItemFailure(failure));
        }
      }
      return results;
    }
  }, limit);
}
