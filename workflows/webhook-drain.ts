/**
 * Drains one connector's webhook inbox into the warehouse. Woken by signal-with-start after each
 * delivery is committed, it runs rounds of the ordinary stream pipeline (read the inbox from the
 * committed cursor, validate, pass the guardrails, load, commit) until no delivery is waiting, then
 * idles for a while and ends; the next delivery starts it again. A long-lived run continues as new.
 */
import { allHandlersFinished, condition, continueAsNew, log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { searchAttributes } from '../domain/constants';
import { eventsArrivedSignal, type WebhookDrainInput } from '../domain/webhook-drain';
import { control } from './activities';
import { ApprovalGates } from './approval-gates';
import type { CycleContext } from './batch-gate';
import { overallStatus, startedReport } from './cycle-report';
import { refreshModelsAfterLoad } from './model-refresh';
import { runStream } from './stream-pipeline';

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

  for (let round = 0; round < ROUNDS_PER_RUN && !workflowInfo().continueAsNewSuggested; round += 1) {
    if (!pending && !(await condition(() => pending, IDLE_TIMEOUT))) {
      await condition(allHandlersFinished);
      return;
    }
    // Cleared before the round reads: a delivery committed while it runs wakes another round.
    pending = false;
    await drainRound(connectorId, gates, round);
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof webhookDrain>({ connectorId, pending });
}

async function drainRound(connectorId: string, gates: ApprovalGates, round: number): Promise<void> {
  // A polling source that takes webhooks too (Zendesk) is drained from its webhook partition only.
  const plan = await control.planCycle(connectorId, 'webhook-drain');
  if (plan.paused) {
    // The events stay in the inbox; the first delivery after the connector resumes drains them.
    log.info('webhook drain skipped: connector paused', { connectorId });
    return;
  }
  gates.usePolicy(plan.approvalPolicy);
  upsertSearchAttributes([
    { key: searchAttributes.source, value: plan.source },
    { key: searchAttributes.destination, value: plan.destination },
  ]);
  const { workflowId, runId } = workflowInfo();
  const report = startedReport(`${workflowId}/${runId}/${round}`, connectorId, plan.streams);
  const ctx: CycleContext = { plan, gates, overrides: {}, rowsThisCycle: 0, apiCallsThisCycle: 0 };
  await Promise.all(report.streams.map((streamReport) => runStream(ctx, streamReport.stream, streamReport)));
  await refreshModelsAfterLoad(connectorId, report);
  report.status = overallStatus(report.streams);
  report.finishedAt = new Date().toISOString();
  // A wake-up that found nothing new (a redelivery) is not a run worth a report.
  if (report.status === 'completed' && report.streams.every((s) => s.extracted === 0)) return;
  await control.recordCycle({ report, userId: plan.userId, trigger: 'webhook' });
}
