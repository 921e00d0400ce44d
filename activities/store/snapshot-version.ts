/**
 * What the store shows as committed, as text that changes whenever a transaction commits: the
 * PostgreSQL snapshot (xmin:xmax:in-progress ids). Two equal readings mean no write was committed
 * between them (on PostgreSQL, by any process; read-only work assigns no transaction id and changes
 * nothing), so an answer computed between them still holds while the reading stays the same.
 */
import { z } from 'zod';
import type { SqlExecutor } from './sql-client';

const snapshotRow = z.object({ snapshot: z.string() });

export async function snapshotVersion(db: SqlExecutor): Promise<string> {
  const [row] = await db.query('SELECT pg_current_snapshot()::text AS snapshot');
  return snapshotRow.parse(row).snapshot;
}
