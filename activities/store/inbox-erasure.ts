/**
 * Erasure in the SendGrid inbox (migration 004's webhook_inbox, its `email` column). Until that
 * migration is applied the inbox does not exist and holds nothing to delete.
 */
import { z } from 'zod';
import { parseInput } from './inputs';
import { rowsOf } from './query';
import { countRow } from './rows';
import type { SqlExecutor } from './sql-client';

const existsRow = z.object({ present: z.boolean() });

export async function deleteInboxEventsBySubject(db: SqlExecutor, email: string): Promise<number> {
  const address = parseInput(z.email(), email.trim(), 'inbox subject email');
  const [inbox] = await rowsOf(db, existsRow, `SELECT to_regclass('webhook_inbox') IS NOT NULL AS present`);
  if (!inbox?.present) return 0;
  const [deleted] = await rowsOf(
    db,
    countRow,
    'WITH gone AS (DELETE FROM webhook_inbox WHERE lower(email) = lower($1) RETURNING 1) SELECT count(*) AS n FROM gone',
    [address],
  );
  return deleted?.n ?? 0;
}
