/**
 * The load ledger's rules, for a dialect that runs a load statement by statement in one transaction
 * of its own (DuckDB, PostgreSQL): the ledger is read first; the clean rows are merged every time (the
 * cursor guard makes a repeat change only what was changed since); the quarantine and the ledger row
 * are appended the first time only, and a repeat reports the figures the ledger recorded then.
 */
import type { LoadResult } from '../../domain/cycle';
import type { LoadBatch, LoadCounts } from './types';

export interface LedgerSteps {
  /** Runs a statement with its values bound to `$1…`; returns its rows as arrays of column values. */
  readonly rows: (sql: string, values: readonly (string | number)[]) => Promise<readonly (readonly unknown[])[]>;
  readonly mergeClean: (file: string) => Promise<Omit<LoadCounts, 'quarantined'>>;
  readonly appendQuarantine: (file: string) => Promise<number>;
}

/** `ledger` is the ledger table's name in SQL; the caller holds the transaction around this. */
export async function loadUnderLedger(ledger: string, batch: LoadBatch, steps: LedgerSteps): Promise<LoadResult> {
  const { loadId, cleanFile, quarantineFile } = batch;
  const [entry] = await steps.rows(`SELECT rows_merged, rows_deleted, rows_quarantined FROM ${ledger} WHERE load_id = $1`, [loadId]);
  const clean = cleanFile ? await steps.mergeClean(cleanFile) : { merged: 0, deleted: 0 };
  if (entry) {
    const [merged = 0, deleted = 0, quarantined = 0] = entry.map(Number);
    return { loadId, alreadyLoaded: true, merged, deleted, quarantined };
  }
  const quarantined = quarantineFile ? await steps.appendQuarantine(quarantineFile) : 0;
  const counts: LoadCounts = { ...clean, quarantined };
  const row = [loadId, batch.connectorId, batch.stream.name, counts.merged, counts.deleted, counts.quarantined];
  await steps.rows(`INSERT INTO ${ledger} VALUES ($1, $2, $3, $4, $5, $6, now())`, row);
  return { loadId, alreadyLoaded: false, ...counts };
}
