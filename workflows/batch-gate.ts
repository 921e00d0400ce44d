/**
 * The guardrail gate in front of every load: evaluate the batch's figures, then load, alert, block,
 * report a dry run, or wait for a manager. No batch that crosses a limit is loaded without an
 * approval on record: the approval is recorded before the load is scheduled.
 */
import { patched, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { approvalIdFor, type ApprovalResolution, type PendingApproval } from '../domain/approvals';
import { searchAttributes } from '../domain/constants';
import type { BatchRef, CyclePlan, QualitySummary, StoppedRead, StreamReport } from '../domain/cycle';
import {
  evaluateGuardrails,
  gateFigures,
  gateVerdict,
  withOverride,
  type GateFigures,
  type GuardrailBreach,
  type GuardrailOverride,
} from '../domain/guardrails';
import { control } from './activities';
import type { ApprovalGates } from './approval-gates';

/** Shared by every stream of one cycle. */
export interface CycleContext {
  plan: CyclePlan;
  gates: ApprovalGates;
  /** One-time overrides approvals granted, per stream: they lift limits for that stream's later batches only. */
  overrides: Record<string, GuardrailOverride>;
  /** Rows loaded or about to be loaded this cycle, by every stream. */
  rowsThisCycle: number;
  apiCallsThisCycle: number;
  /**
   * Reads stopped between batches for the cycle to continue as new: once one stops, the others stop
   * at their next batch. Null where reads never stop (a drain's round: the drain continues as new
   * between rounds).
   */
  stopped: StoppedRead[] | null;
}

export type GateResult =
  | { action: 'load'; approval: ApprovalResolution | null }
  | { action: 'skip'; approval: ApprovalResolution }
  | { action: 'dry-run' }
  | { action: 'stop'; outcome: 'blocked' | 'rejected'; detail: string; approval: ApprovalResolution | null };

export async function passGate(
  ctx: CycleContext,
  stream: string,
  batch: BatchRef,
  quality: QualitySummary,
  report: StreamReport,
): Promise<GateResult> {
  const figures = quality.measure
    ? gateFigures(quality, quality.measure, ctx)
    : await control.measureBatch({
        connectorId: ctx.plan.connectorId,
        source: ctx.plan.source,
        stream,
        batch,
        quality,
        rowsThisCycle: ctx.rowsThisCycle,
        apiCallsThisCycle: ctx.apiCallsThisCycle,
      });
  const breaches = evaluateGuardrails(withOverride(ctx.plan.guardrails, ctx.overrides[stream]), figures);
  const verdict = gateVerdict(ctx.plan.automationLevel, breaches);
  const note = (resolution: string) =>
    report.breaches.push(...breaches.map((b) => ({ guardrail: b.guardrail, limit: b.limit, actual: b.actual, resolution })));

  switch (verdict) {
    case 'load':
      return { action: 'load', approval: null };
    case 'load-and-alert':
      note('alerted (automation level auto)');
      await control.recordGuardrailAlert({ plan: ctx.plan, stream, batch, breaches, figures });
      return { action: 'load', approval: null };
    case 'dry-run':
    case 'skip-cycle':
      note('dry run: would have been judged here');
      return { action: 'dry-run' };
    case 'block':
      note('blocked');
      await control.recordBlockedBatch({ plan: ctx.plan, stream, batch, quality, breaches });
      return { action: 'stop', outcome: 'blocked', detail: describe(breaches), approval: null };
    case 'await-approval':
      return awaitApproval(ctx, stream, batch, quality, figures, breaches, note);
  }
}

/** Marks the histories whose gates open before the approval is recorded; in those recorded before, after. */
const GATE_OPENS_BEFORE_RECORDED_PATCH = 'gate-opens-before-recorded';

async function awaitApproval(
  ctx: CycleContext,
  stream: string,
  batch: BatchRef,
  quality: QualitySummary,
  figures: GateFigures,
  breaches: GuardrailBreach[],
  note: (resolution: string) => void,
): Promise<GateResult> {
  const { plan, gates } = ctx;
  const openedAt = new Date();
  const pending: PendingApproval = {
    approvalId: approvalIdFor(workflowInfo().workflowId, stream, batch.sha256),
    connectorId: plan.connectorId,
    userId: plan.userId,
    workflowId: workflowInfo().workflowId,
    stream,
    batch: { sha256: batch.sha256, rows: batch.rows, uri: batch.uri },
    reason: breaches.length > 0 ? 'guardrail-breach' : 'always-approve',
    breaches,
    figures,
    topReasons: Object.entries(quality.failuresByRule)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 5)
      .map(([rule, rows]) => ({ rule, rows })),
    qualityReportId: quality.reportId,
    openedAt: openedAt.toISOString(),
    deadline: gates.deadlineFrom(openedAt),
    approverRole: plan.approvalPolicy.approverRole,
    onTimeout: plan.approvalPolicy.onTimeout,
  };

  // The gate opens before the store lists the approval, so a decision sent as soon as it is listed
  // finds it open. Before, such a decision could reach the workflow with the record's completion,
  // ahead of the gate, and be refused as not open.
  const opensFirst = patched(GATE_OPENS_BEFORE_RECORDED_PATCH);
  const decidedEarly = opensFirst ? gates.request(pending) : null;
  try {
    await control.recordApprovalRequested(pending);
  } catch (err) {
    // Not on record, so not decidable: the gate closes with the failure.
    if (opensFirst) gates.withdraw(pending.approvalId, batch.uri);
    throw err;
  }
  const decided = decidedEarly ?? gates.request(pending); // opens the gate at once
  showWaiting(gates);
  const resolution = await decided;
  showWaiting(gates);
  await control.recordApprovalResolved({ pending, resolution });
  note(`${resolution.decision} by ${resolution.decidedBy}`);

  switch (resolution.decision) {
    case 'approve':
      if (resolution.override) ctx.overrides[stream] = { ...ctx.overrides[stream], ...resolution.override };
      return { action: 'load', approval: resolution };
    case 'skip':
      return { action: 'skip', approval: resolution };
    case 'reject':
      return {
        action: 'stop',
        outcome: 'rejected',
        detail: `rejected by ${resolution.decidedBy}: ${resolution.reason}`,
        approval: resolution,
      };
  }
}

/** The Web UI's current details and the search attribute say whether, and on what, the cycle waits. */
function showWaiting(gates: ApprovalGates): void {
  const waiting = gates.waiting();
  upsertSearchAttributes([{ key: searchAttributes.cycleStatus, value: waiting.length > 0 ? 'awaiting-approval' : 'running' }]);
  setCurrentDetails(
    waiting
      .map(({ pending: p }) =>
        [
          `**Waiting for a ${p.approverRole}'s decision** on ${p.stream} batch ${p.batch.sha256.slice(0, 12)} (${p.batch.rows} rows) since ${p.openedAt}.`,
          p.breaches.length > 0 ? `Crossed: ${describe(p.breaches)}.` : 'This connector approves every load.',
          `Approval id: \`${p.approvalId}\`. On no decision by ${p.deadline}: ${p.onTimeout}.`,
        ].join('\n'),
      )
      .join('\n\n'),
  );
}

export function describe(breaches: readonly GuardrailBreach[]): string {
  const show = (v: number | string) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v));
  return breaches
    .map((b) =>
      typeof b.limit === 'string'
        ? `${b.guardrail}: ${b.actual} (policy ${b.limit})`
        : `${b.guardrail} ${show(b.actual)} > ${show(b.limit)}`,
    )
    .join('; ');
}
