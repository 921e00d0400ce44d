/**
 * The connector_metrics table (the spec's datawarehouseconnectorMetrics): counters per connector and
 * UTC day, added to, never overwritten.
 */
import type { ConnectorRef, Counters } from './audit';
import { isUuid, metricsInputSchema, parseInput } from './inputs';
import { rowsOf } from './query';
import { metricsRow } from './rows';
import type { SqlExecutor } from './sql-client';

export interface DailyMetrics {
  /** The UTC day, YYYY-MM-DD. */
  date: string;
  metrics: Counters;
}

export interface MetricsRepository {
  /** Adds the counters to the connector's row of that UTC day (created when missing). */
  add(connector: ConnectorRef, day: string, counters: Counters): Promise<void>;
  /** Oldest day first. */
  list(connectorId: string): Promise<DailyMetrics[]>;
}

/** One statement: concurrent calls for the same day add up instead of overwriting each other. */
export async function addMetrics(db: SqlExecutor, connector: ConnectorRef, day: string, counters: Counters): Promise<void> {
  const input = parseInput(metricsInputSchema, { ...connector, date: day, counters }, 'metrics');
  await db.query(
    `INSERT INTO connector_metrics (config_id, user_id, date, metrics) VALUES ($1, $2, $3::date, $4::jsonb)
     ON CONFLICT (config_id, date) DO UPDATE
       SET metrics = connector_metrics.metrics || (
             SELECT coalesce(jsonb_object_agg(added.key,
                      coalesce((connector_metrics.metrics->>added.key)::numeric, 0) + added.value::numeric),
                      '{}'::jsonb)
               FROM jsonb_each_text(EXCLUDED.metrics) added),
           updated_at = now()`,
    [input.connectorId, input.userId, input.date, JSON.stringify(input.counters)],
  );
}

export function sqlMetrics(db: SqlExecutor): MetricsRepository {
  return {
    add: (connector, day, counters) => addMetrics(db, { connectorId: connector.connectorId, userId: connector.userId }, day, counters),

    async list(connectorId) {
      if (!isUuid(connectorId)) return [];
      return rowsOf(
        db,
        metricsRow,
        `SELECT to_char(date, 'YYYY-MM-DD') AS date, metrics FROM connector_metrics WHERE config_id = $1 ORDER BY date`,
        [connectorId],
      );
    },
  };
}
