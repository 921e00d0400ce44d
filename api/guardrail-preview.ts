/**
 * What a proposed guardrail configuration would have done to the latest figures, judged by the
 * workflow's own evaluator (domain/guardrails.ts). The figures are the gates' own when the latest
 * cycle opened any; otherwise they are rebuilt from the last run report, and say what they estimate.
 */
import { utcDate } from '../activities/chores';
import type { StoredApproval } from '../activities/store/approvals';
import type { Store } from '../activities/store/store';
import type { Connector } from '../domain/connector';
import type { CycleReport } from '../domain/cycle';
import {
  evaluateGuardrails,
  gateVerdict,
  type AutomationLevel,
  type GateFigures,
  type GateVerdict,
  type GuardrailBreach,
  type Guardrails,
} from '../domain/guardrails';

export interface GateSettings {
  guardrails: Guardrails;
  automationLevel: AutomationLevel;
}

export type FiguresBasis =
  | { kind: 'approval'; approvalId: string; workflowId: string; openedAt: string }
  | { kind: 'run-report'; workflowId: string; startedAt: string; estimated: string[] };

export interface FigureSample {
  stream: string;
  basis: FiguresBasis;
  figures: GateFigures;
}

export interface Judgement {
  breaches: GuardrailBreach[];
  verdict: GateVerdict;
}

export interface JudgedSample extends FigureSample {
  current: Judgement;
  proposed: Judgement;
}

export interface GuardrailPreview {
  connectorId: string;
  current: GateSettings;
  proposed: GateSettings;
  /** Null before the first cycle: there is nothing to judge yet. */
  figures: JudgedSample[] | null;
  message?: string;
}

/** The approvals read to find the latest cycle's gates. */
const APPROVALS_READ = 50;
/** The run reports summed to estimate a table's size when the last run deleted rows. */
const RUNS_FOR_TABLE_SIZE = 1_000;

const RUN_REPORT_ESTIMATES = [
  'figures are per stream, not per batch: invalidShare is the stream average',
  'schemaChanges and estimatedCostUsd are not in a run report (none, 0); costTodayUsd and apiCallsToday are the day totals recorded',
];
const TABLE_SIZE_ESTIMATE =
  'tableRows is rows loaded minus rows deleted by the earlier stored runs: an upper bound (re-merged rows count again)';

export function judgeSamples(samples: readonly FigureSample[], current: GateSettings, proposed: GateSettings): JudgedSample[] {
  const judge = (settings: GateSettings, figures: GateFigures): Judgement => {
    const breaches = evaluateGuardrails(settings.guardrails, figures);
    return { breaches, verdict: gateVerdict(settings.automationLevel, breaches) };
  };
  return samples.map((sample) => ({ ...sample, current: judge(current, sample.figures), proposed: judge(proposed, sample.figures) }));
}

/** The latest cycle's figures: its gates' if it opened any after the last run report, else the report's. */
export async function latestFigures(store: Pick<Store, 'approvals' | 'runs' | 'metrics'>, connector: Connector): Promise<FigureSample[]> {
  const [approvals, [lastRun]] = await Promise.all([
    store.approvals.list({ connectorId: connector.id, limit: APPROVALS_READ }),
    store.runs.list(connector.id, 1),
  ]);
  const newest = approvals[0];
  if (newest && (!lastRun || Date.parse(newest.request.openedAt) >= Date.parse(lastRun.startedAt))) {
    return approvals
      .filter((approval) => approval.workflowId === newest.workflowId)
      .reverse()
      .map(sampleOfApproval);
  }
  if (!lastRun) return [];
  return samplesOfRun(store, connector.id, lastRun);
}

function sampleOfApproval({ approvalId, workflowId, request }: StoredApproval): FigureSample {
  return {
    stream: request.stream,
    basis: { kind: 'approval', approvalId, workflowId, openedAt: request.openedAt },
    figures: request.figures,
  };
}

async function samplesOfRun(store: Pick<Store, 'runs' | 'metrics'>, connectorId: string, run: CycleReport): Promise<FigureSample[]> {
  const deletes = run.streams.some((s) => s.deleted > 0);
  const [metrics, tableRows] = await Promise.all([
    store.metrics.list(connectorId),
    deletes ? tableRowsBefore(store, run) : Promise.resolve(new Map<string, number>()),
  ]);
  const day = metrics.find((m) => m.date === utcDate(new Date(run.startedAt)))?.metrics ?? {};
  const estimated = deletes ? [...RUN_REPORT_ESTIMATES, TABLE_SIZE_ESTIMATE] : RUN_REPORT_ESTIMATES;
  let rowsThisCycle = 0;
  let apiCallsThisCycle = 0;
  return run.streams.map((s) => {
    // Deletion markers are applied, not validated; the rest is valid or quarantined.
    const evaluated = Math.max(0, s.extracted - s.deleted);
    rowsThisCycle += Math.max(0, evaluated - s.quarantined);
    apiCallsThisCycle += s.apiCalls;
    const figures: GateFigures = {
      rowsThisCycle,
      evaluated,
      invalid: s.quarantined,
      invalidShare: evaluated > 0 ? s.quarantined / evaluated : 0,
      deletes: s.deleted,
      tableRows: Math.max(tableRows.get(s.stream) ?? 0, s.deleted),
      schemaChanges: [],
      apiCallsThisCycle,
      apiCallsToday: Math.max(day.apiCalls ?? 0, apiCallsThisCycle),
      estimatedCostUsd: 0,
      costTodayUsd: day.costUsd ?? 0,
    };
    return { stream: s.stream, basis: { kind: 'run-report', workflowId: run.workflowId, startedAt: run.startedAt, estimated }, figures };
  });
}

/** Per stream, what the runs before `last` left in the table, as far as run reports tell. */
async function tableRowsBefore(store: Pick<Store, 'runs'>, last: CycleReport): Promise<Map<string, number>> {
  const rows = new Map<string, number>();
  for (const run of await store.runs.list(last.connectorId, RUNS_FOR_TABLE_SIZE)) {
    if (run.workflowId === last.workflowId) continue;
    for (const s of run.streams) rows.set(s.stream, (rows.get(s.stream) ?? 0) + s.loaded - s.deleted);
  }
  return rows;
}
