/**
 * DuckDB failures onto the error taxonomy. Only running out of memory is mapped: it names the setting
 * that caps the embedded warehouse, which DuckDB's own advice (`SET memory_limit`) cannot.
 */
import { ConnectorError } from '../../errors';
import { firstLine } from './connection';

export function asConnectorError(error: unknown, doing: string): unknown {
  const reason = firstLine(error);
  if (!reason.startsWith('Out of Memory Error')) return error;
  // System, so retried: memory another operation held may be free by the next attempt.
  return new ConnectorError(
    'system',
    `${doing}: ${reason}`,
    "raise INSIGHT_HUB_DUCKDB_MEMORY_LIMIT, the embedded warehouse's memory cap, if this keeps failing",
  );
}
