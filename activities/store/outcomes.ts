/** The connector_outcome table (the spec's datawarehouseconnectorOutcome): what a cycle predicted against what it did. */
import { isUuid, limitSchema, outcomeEntrySchema, parseInput } from './inputs';
import { rowsOf } from './query';
import { outcomeRow } from './rows';
import type { SqlExecutor } from './sql-client';

export interface OutcomeEntry {
  connectorId: string;
  userId: string;
  predicted: Record<string, number>;
  actual: Record<string, number>;
  accuracy: number | null;
}

export type StoredOutcome = OutcomeEntry & { id: string; createdAt: string };

export interface OutcomeRepository {
  record(entry: OutcomeEntry): Promise<void>;
  /** Newest first. */
  list(connectorId: string, limit?: number): Promise<StoredOutcome[]>;
}

export function sqlOutcomes(db: SqlExecutor): OutcomeRepository {
  return {
    async record(entry) {
      const outcome = parseInput(outcomeEntrySchema, entry, 'outcome');
      await db.query(
        `INSERT INTO connector_outcome (config_id, user_id, predicted, actual, accuracy)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)`,
        [outcome.connectorId, outcome.userId, JSON.stringify(outcome.predicted), JSON.stringify(outcome.actual), outcome.accuracy],
      );
    },

    async list(connectorId, limit = 100) {
      if (!isUuid(connectorId)) return [];
      return rowsOf(
        db,
        outcomeRow,
        `SELECT id, config_id, user_id, predicted, actual, accuracy::float8 AS accuracy, created_at
           FROM connector_outcome WHERE config_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
        [connectorId, parseInput(limitSchema, limit, 'limit')],
      );
    },
  };
}
