/** What activities and routes count, each in one call, so the code that does the work stays about the work. */
import type { SourceKind } from '../../domain/connector';
import type { CycleReport } from '../../domain/cycle';
import type { RetentionSweepReport } from '../../domain/privacy';
import { isPushSource } from '../../domain/sources';
import {
  complianceBreaches,
  cycles,
  loadDuration,
  retentionRowsDeleted,
  retentionSweeps,
  rowsExtracted,
  rowsLoaded,
  rowsQuarantined,
  webhookEvents,
  webhookEventToQueryable,
} from './metrics';

/** A finished cycle: its outcome, and its rows per stream (quarantined ones per rule they failed). */
export function countCycle(report: CycleReport): void {
  const connector_id = report.connectorId;
  cycles.inc({ connector_id, outcome: report.status });
  for (const stream of report.streams) {
    const labels = { connector_id, stream: stream.stream };
    if (stream.extracted > 0) rowsExtracted.inc(labels, stream.extracted);
    if (stream.loaded > 0) rowsLoaded.inc(labels, stream.loaded);
    for (const [rule, rows] of Object.entries(stream.failuresByRule)) if (rows > 0) rowsQuarantined.inc({ ...labels, rule }, rows);
  }
}

/**
 * A batch loaded (not one the ledger held already): how long the load took and, for a pushed
 * source, how long its newest event took from receipt to queryable.
 */
export function countLoad(
  load: { connectorId: string; source: SourceKind; stream: string },
  startedAt: Date,
  finishedAt: Date,
  /** For a pushed source: when the newest event of the batch was received (its inbox row's time). */
  receivedAt: Date | null = null,
): void {
  loadDuration.observe({ connector_id: load.connectorId, stream: load.stream }, (finishedAt.getTime() - startedAt.getTime()) / 1000);
  if (isPushSource(load.source) && receivedAt !== null) {
    webhookEventToQueryable.observe({ source: load.source }, Math.max(0, (finishedAt.getTime() - receivedAt.getTime()) / 1000));
  }
}

/** A retention sweep's outcomes: rows deleted per data type, failed sweeps, and every compliance breach it found. */
export function countRetentionSweep(report: RetentionSweepReport): void {
  for (const outcome of report.outcomes) {
    const data_type = outcome.target.dataType;
    retentionSweeps.inc({ data_type, outcome: outcome.status });
    if (outcome.status === 'failed') {
      complianceBreaches.inc({ data_type, kind: 'sweep-failed' });
      continue;
    }
    if (outcome.result.deleted > 0) retentionRowsDeleted.inc({ data_type }, outcome.result.deleted);
    if (outcome.result.remaining > 0) complianceBreaches.inc({ data_type, kind: 'data-past-window' });
  }
  for (const late of report.late) complianceBreaches.inc({ data_type: late.dataType, kind: 'sweep-late' });
}

/** Events of one webhook delivery, by what became of them. */
export function countWebhookEvents(source: SourceKind, counts: { accepted: number; duplicate: number; refused: number }): void {
  for (const [outcome, events] of Object.entries(counts)) if (events > 0) webhookEvents.inc({ source, outcome }, events);
}
