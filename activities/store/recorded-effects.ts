/**
 * Writes that count (audit rows, daily metrics, run reports) done exactly once per key: they commit in
 * one transaction with the key, so an activity retried after a partial write, or after its worker died
 * past the commit, writes nothing twice.
 */
import { z } from 'zod';
import { cutoffSchema, parseInput } from './inputs';
import { rowsOf } from './query';
import { countRow } from './rows';
import type { SqlClient, SqlExecutor } from './sql-client';

const keyRow = z.object({ effect_key: z.string() });

/** Runs `write` over the transaction unless `key` was recorded already; true when it ran. */
export async function recordOnce(db: SqlClient, key: string, write: (tx: SqlClient) => Promise<void>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const claimed = await rowsOf(
      tx,
      keyRow,
      'INSERT INTO recorded_effect (effect_key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING effect_key',
      [key],
    );
    if (claimed.length === 0) return false;
    await write(inTransaction(tx));
    return true;
  });
}

/** Kept at least this long whatever earlier cutoff a sweep is given: a retry never comes later. */
const KEYS_KEPT_AT_LEAST = '7 days';

/**
 * Forgets the keys starting with `prefix` recorded before `before` and more than a week ago; how
 * many. The writes they guarded stay.
 */
export async function forgetRecordedEffects(db: SqlExecutor, before: string, prefix: string): Promise<number> {
  const cutoff = parseInput(cutoffSchema, before, 'recorded effects cutoff');
  const [forgotten] = await rowsOf(
    db,
    countRow,
    `WITH gone AS (
       DELETE FROM recorded_effect
        WHERE recorded_at < least($1::timestamptz, now() - interval '${KEYS_KEPT_AT_LEAST}') AND starts_with(effect_key, $2)
       RETURNING 1
     ) SELECT count(*) AS n FROM gone`,
    [cutoff, prefix],
  );
  return forgotten?.n ?? 0;
}

/** The transaction as a client, so store code written against a client runs inside it (nested transactions join it). */
function inTransaction(tx: SqlExecutor): SqlClient {
  return {
    query: (sql, params) => tx.query(sql, params),
    exec: (sql) => tx.exec(sql),
    transaction: (fn) => fn(tx),
    close: async () => undefined,
  };
}
