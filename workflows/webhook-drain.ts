/**
 * Drains one connector's webhook inbox into the warehouse. Woken by signal-with-start after each
 * delivery is committed, it runs rounds of the ordinary stream pipeline (read the inbox from the
 * committed cursor, validate, pass the guardrails, load, commit) until no delivery is waiting, then
 * idles for a while and ends; the next delivery starts it again. A long-lived run continues as new.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CycleReport } from '../domain/cycle';
import { searchAttributes } from '../domain/constants';
import { eventsArrivedSignal, type WebhookDrainInput } from '../domain/webhook-drain';
import { control } from './activities';
import { ApprovalGates } from './approval-gates';
import type { CycleContext } from './batch-gate';
import { overallStatus, startedReport } from './cycle-report';
import { changedTables, refreshModels, refreshModelsAfterLoad } from './model-refresh';
import { runStream } from './stream-pipeline';

/**
 * Marks the histories whose drain refreshes the customer models once it has caught up (or once they
 * have waited MODELS_STALE_AT_MOST behind a steady stream), not after every round that loaded; in
 * those recorded before it, each such round refreshed them.
 */
const MODELS_WHEN_CAUGHT_UP_PATCH = 'models-refreshed-when-caught-up';
/** How long the models may lag the stream tables while deliveries keep arriving. */
const MODELS_STALE_AT_MOST_MS = 60_000;
/** How long a drain waits for the next delivery before it ends. */
const IDLE_TIMEOUT = '1 minute';
/** Rounds per run, to keep the history small; continue-as-new carries on. */
const ROUNDS_PER_RUN = 200;

export async function webhookDrain(input: WebhookDrainInput): Promise<void> {
  const { connectorId } = input;
  let pending = input.pending;
  setHandler(eventsArrivedSignal, () => {
    pending = true;
  });
  const gates = new ApprovalGates();
  upsertSearchAttributes([{ key: searchAttributes.connectorId, value: connectorId }]);
  const models = patched(MODELS_WHEN_CAUGHT_UP_PATCH) ? new StaleModels(connectorId) : null;

  for (let round = 0; round < ROUNDS_PER_RUN && !workflowInfo().continueAsNewSuggested; round += 1) {
    if (!pending && !(await condition(() => pending, IDLE_TIMEOUT))) {
      await condition(allHandlersFinished);
      return;
    }
    // Cleared before the round reads: a delivery committed while it runs wakes another round.
    pending = false;
    const report = await drainRound(connectorId, gates, round, models === null);
    await models?.afterRound(report, { caughtUp: !pending });
  }
  await models?.refreshIfStale();
  await condition(allHandlersFinished);
  await continueAsNew<typeof webhookDrain>({ connectorId, pending });
}

/**
 * The customer models behind the drain's loads. A refresh rebuilds whole models, so one per round
 * would cost a steady stream most of its time: the rounds load what arrives, and the models are
 * rebuilt once the inbox is drained, or once they have lagged MODELS_STALE_AT_MOST_MS.
 */
class StaleModels {
  /** When (workflow time) the oldest load the models do not reflect was made; null when they are current. */
  private staleSince: number | null = null;

  constructor(private readonly connectorId: string) {}

  /** After a round (null: one that ran nothing): the models are rebuilt if the drain caught up or they lagged too long. */
  async afterRound(report: CycleReport | null, { caughtUp }: { caughtUp: boolean }): Promise<void> {
    if (report && changedTables(report)) this.staleSince ??= Date.now();
    if (this.staleSince !== null && (caughtUp || Date.now() - this.staleSince >= MODELS_STALE_AT_MOST_MS)) await this.refreshIfStale();
  }

  async refreshIfStale(): Promise<void> {
    if (this.staleSince === null) return;
    this.staleSince = null;
    await refreshModels(this.connectorId);
  }
}

/** One round: the inbox read from the committed cursor to its end. Its report, or null when it ran nothing worth one. */
async function drainRound(
  connectorId: string,
  gates: ApprovalGates,
  round: number,
  refreshEachRound: boolean,
): Promise<CycleReport | null> {
  // A polling source that takes webhooks too (Zendesk) is drained from its webhook partition only.
  const plan = await control.planCycle(connectorId, 'webhook-drain');
  if (plan.paused) {
    // The events stay in the inbox; the first delivery after the connector resumes drains them.
    log.info('webhook drain skipped: connector paused', { connectorId });
    return null;
  }
  gates.usePolicy(plan.approvalPolicy);
  upsertSearchAttributes([
    { key: searchAttributes.source, value: plan.source },
    { key: searchAttributes.destination, value: plan.destination },
  ]);
  const { workflowId, runId } = workflowInfo();
  const report = startedReport(`${workflowId}/${runId}/${round}`, connectorId, plan.streams);
  const ctx: CycleContext = { plan, gates, overrides: {}, rowsThisCycle: 0, apiCallsThisCycle: 0, stopped: null };
  await Promise.all(report.streams.map((streamReport) => runStream(ctx, streamReport.stream, streamReport)));
  if (refreshEachRound) await refreshModelsAfterLoad(connectorId, report);
  report.status = overallStatus(report.streams);
  report.finishedAt = new Date().toISOString();
  // A wake-up that found nothing new (a redelivery) is not a run worth a report.
  if (report.status === 'completed' && report.streams.every((s) => s.extracted === 0)) return null;
  await control.recordCycle({ report, userId: plan.userId, trigger: 'webhook' });
  return report;
}
