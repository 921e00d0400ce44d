/** The campaign's result as the runner prints it. */
import { PHASES, type Phase } from './activity-feed';
import type { CampaignResult } from './campaign';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function spread(values: (number | null)[]): string {
  const seen = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (seen.length === 0) return 'none seen';
  const at = (share: number) => seen[Math.min(seen.length - 1, Math.floor(share * seen.length))] ?? 0;
  const missing = values.length - seen.length;
  return `median ${s(at(0.5))}, p95 ${s(at(0.95))}, max ${s(at(1))}${missing > 0 ? ` (${missing} not seen)` : ''}`;
}

function firstCycle({ cycles, kills }: CampaignResult): string {
  const first = cycles[0];
  if (!first) return 'none';
  const rows = first.report?.streams.reduce((n, stream) => n + stream.extracted, 0) ?? 0;
  return `${rows} rows in ${first.seconds.toFixed(1)} s (${Math.round(rows / first.seconds)} rows/s), ${kills.filter((kill) => kill.cycle === 1).length} kills during it`;
}

export function formatResult(result: CampaignResult): string {
  const { kills, restarts, cycles } = result;
  const byPhase = (Object.keys(PHASES) as Phase[])
    .map((phase) => {
      const inPhase = kills.filter((kill) => kill.phase === phase);
      if (inPhase.length === 0) return null;
      const modes = [...new Set(inPhase.map((kill) => kill.mode))].map(
        (mode) => `${inPhase.filter((kill) => kill.mode === mode).length} ${mode}`,
      );
      return `${phase} ${inPhase.length} (${modes.join(', ')})`;
    })
    .filter((line) => line !== null);
  const failedRetries = kills.filter((kill) => kill.retry === 'failed').length;
  return [
    `== ${result.warehouse}: ${result.rows} Salesforce contacts, ${cycles.length} cycles, ${result.passed ? 'every invariant holds' : 'INVARIANTS VIOLATED'}`,
    `kills                 ${kills.length}: ${byPhase.join('; ') || 'none'}`,
    `server restarts       ${restarts.length}${restarts.length > 0 ? `: down ${spread(restarts.map((r) => r.downMs))}; dispatching again ${spread(restarts.map((r) => r.resumedMs))} after` : ''}`,
    `worker polling again  ${spread(kills.map((kill) => kill.workerStartMs))} after a kill`,
    `recovery: progress    ${spread(kills.map((kill) => kill.resumedMs))} from kill to the next activity completed`,
    `recovery: retried     ${spread(kills.map((kill) => kill.retriedMs))} from kill to the interrupted activity's retry done${failedRetries > 0 ? ` (${failedRetries} retries FAILED)` : ''}`,
    `worker processes      ${result.workerStarts} started, ${result.unplannedExits.length} exits not caused by the runner${result.unplannedExits.length > 0 ? ` (${result.unplannedExits.join(', ')})` : ''}`,
    `longest event-loop stall in the worker  ${s(result.maxEventLoopStallMs)}`,
    `first cycle           ${firstCycle(result)}`,
    `total time            ${s(result.seconds * 1000)}; ${result.rowsExtracted} rows read by the cycles, ${Math.round(result.rowsExtracted / result.seconds)} rows/s overall`,
    ...result.invariants.map((invariant) => `${invariant.pass ? 'PASS' : 'FAIL'}  ${invariant.name}: ${invariant.detail}`),
  ].join('\n');
}
