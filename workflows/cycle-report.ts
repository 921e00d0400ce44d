/** A cycle's report as its streams fill it in: shared by scheduled cycles and webhook drains. */
import type { CycleReport, CycleStatus, StreamOutcome, StreamReport } from '../domain/cycle';

/** The report of a cycle that has just started: running, its streams not yet read. */
export function startedReport(workflowId: string, connectorId: string, streams: readonly string[] = []): CycleReport {
  return {
    workflowId,
    connectorId,
    status: 'running',
    startedAt: new Date().toISOString(),
    finishedAt: null,
    streams: streams.map(emptyStreamReport),
  };
}

export function emptyStreamReport(stream: string): StreamReport {
  return {
    stream,
    outcome: 'loaded',
    batches: 0,
    extracted: 0,
    loaded: 0,
    deleted: 0,
    quarantined: 0,
    wouldLoad: 0,
    suppressed: 0,
    withoutConsent: 0,
    apiCalls: 0,
    breaches: [],
    failuresByRule: {},
  };
}

/** The worst stream outcome decides. */
const SEVERITY = ['failed', 'blocked', 'rejected', 'deferred', 'dry-run'] as const satisfies readonly StreamOutcome[];

export function overallStatus(streams: StreamReport[]): CycleStatus {
  const outcomes = new Set(streams.map((s) => s.outcome));
  return SEVERITY.find((outcome) => outcomes.has(outcome)) ?? 'completed';
}
