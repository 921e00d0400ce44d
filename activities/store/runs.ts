/** The cycle_run table: one report per ingestion cycle, kept up to date by its workflow id. */
import type { CycleReport } from '../../domain/cycle';
import { cycleReportInputSchema, isUuid, limitSchema, parseInput } from './inputs';
import { columnsOf, firstRowOf, rowsOf } from './query';
import { rollUpRunDay } from './rollups';
import { cycleRunRow } from './rows';
import type { SqlClient } from './sql-client';

export interface RunRepository {
  /** Upserts by workflowId. */
  save(report: CycleReport): Promise<void>;
  get(workflowId: string): Promise<CycleReport | null>;
  /** Newest first. */
  list(connectorId: string, limit?: number): Promise<CycleReport[]>;
}

const COLUMNS = columnsOf(cycleRunRow);

export function sqlRuns(db: SqlClient): RunRepository {
  return {
    async save(report) {
      const run = parseInput(cycleReportInputSchema, report, 'run report');
      // The report and its day's roll-up commit together: /analyze, health and ROI read only the roll-ups.
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO cycle_run (workflow_id, connector_id, status, started_at, finished_at, streams, detail)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
         ON CONFLICT (workflow_id) DO UPDATE
           SET status = EXCLUDED.status, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
               streams = EXCLUDED.streams, detail = EXCLUDED.detail, updated_at = now()`,
          [run.workflowId, run.connectorId, run.status, run.startedAt, run.finishedAt, JSON.stringify(run.streams), run.detail ?? null],
        );
        await rollUpRunDay(tx, run.connectorId, run.startedAt);
      });
    },

    async get(workflowId) {
      return firstRowOf(db, cycleRunRow, `SELECT ${COLUMNS} FROM cycle_run WHERE workflow_id = $1`, [workflowId]);
    },

    async list(connectorId, limit = 50) {
      if (!isUuid(connectorId)) return [];
      return rowsOf(
        db,
        cycleRunRow,
        `SELECT ${COLUMNS} FROM cycle_run WHERE connector_id = $1 ORDER BY started_at DESC, workflow_id LIMIT $2`,
        [connectorId, parseInput(limitSchema, limit, 'limit')],
      );
    },
  };
}
