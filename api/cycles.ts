/** Starting a cycle on demand and reading a cycle's report, live or after it closed. */
import {
  eventsArrivedSignal,
  WEBHOOK_DRAIN_WORKFLOW,
  webhookDrainWorkflowId,
  type WebhookDrainInput,
  type WebhookDrainWorkflow,
} from '../domain/webhook-drain';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionStatusName } from '@temporalio/client';
import type { Store } from '../activities/store/store';
import type { Connector } from '../domain/connector';
import { manualCycleWorkflowId } from '../domain/constants';
import type { CycleReport } from '../domain/cycle';
import { reportOfFailedCycle } from '../domain/cycle-failure';
import { cycleReportQuery, INGESTION_CYCLE_WORKFLOW } from '../domain/messages';
import { cycleMetadata, cycleSearchAttributes, type IngestionCycleWorkflow } from './cycle-workflow';
import { LIVE_QUERY_TIMEOUT_MS, queryLive, TEMPORAL_CALL_TIMEOUT_MS } from './temporal-calls';
import { groupWhileBusy } from '../activities/group-while-busy';

export interface StartedCycle {
  workflowId: string;
  runId: string;
}

/** Where a run's report came from: the running workflow itself, the store, or the closed workflow's result. */
export type ReportSource = 'live-query' | 'store' | 'workflow-result' | 'none';

export interface CycleRunView {
  workflowId: string;
  /** Null when Temporal no longer holds the run (retention) and only the stored report is left. */
  runId: string | null;
  temporalStatus: WorkflowExecutionStatusName | null;
  report: CycleReport | null;
  reportSource: ReportSource;
  /** Why there is no report, when there is none. */
  detail?: string;
}

export async function startManualCycle(client: Client, connector: Connector, taskQueue: string, requestedAt: Date): Promise<StartedCycle> {
  const handle = await client.workflow.start<IngestionCycleWorkflow>(INGESTION_CYCLE_WORKFLOW, {
    taskQueue,
    workflowId: manualCycleWorkflowId(connector.id, requestedAt),
    args: [{ connectorId: connector.id, trigger: 'manual' }],
    typedSearchAttributes: cycleSearchAttributes(connector),
    ...cycleMetadata(connector),
  });
  return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
}

/**
 * The cycle that holds the connector and still runs, if any: a manual run then would only be skipped
 * (one cycle per connector at a time), so the API refuses it up front, naming the running one.
 */
export async function runningCycleOf(client: Client, store: Pick<Store, 'cycleClaims'>, connectorId: string): Promise<string | null> {
  const holder = await store.cycleClaims.holder(connectorId);
  if (holder === null) return null;
  const description = await client.workflow
    .getHandle(holder)
    .describe()
    .catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    });
  return description?.status.name === 'RUNNING' ? holder : null;
}

/** Null when neither Temporal nor the store knows an ingestion cycle by that id. */
export async function readCycleRun(client: Client, store: Pick<Store, 'runs'>, workflowId: string): Promise<CycleRunView | null> {
  const handle = client.workflow.getHandle<IngestionCycleWorkflow>(workflowId);
  const description = await handle.describe().catch((error: unknown) => {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  });
  if (!description) return storedRunOnly(store, workflowId);
  if (description.type !== INGESTION_CYCLE_WORKFLOW) return null;

  const known = { workflowId, runId: description.runId, temporalStatus: description.status.name };
  if (description.status.name === 'RUNNING') {
    const live = await queryLive(client, () => handle.query(cycleReportQuery));
    if (live) return { ...known, report: live, reportSource: 'live-query' };
    const detail = `no worker answered the live report query within ${LIVE_QUERY_TIMEOUT_MS / 1_000} s`;
    return { ...known, report: null, reportSource: 'none', detail };
  }
  const stored = await store.runs.get(workflowId);
  if (stored) return { ...known, report: stored, reportSource: 'store' };
  if (description.status.name === 'COMPLETED' || description.status.name === 'FAILED') {
    // A failed cycle's failure carries its report; a run that failed before it had one carries none.
    const report = await handle.result().catch(reportOfFailedCycle);
    if (report) return { ...known, report, reportSource: 'workflow-result' };
  }
  const detail = `the workflow ended ${description.status.name} before a report was stored`;
  return { ...known, report: null, reportSource: 'none', detail };
}

async function storedRunOnly(store: Pick<Store, 'runs'>, workflowId: string): Promise<CycleRunView | null> {
  const stored = await store.runs.get(workflowId);
  if (!stored) return null;
  return { workflowId, runId: null, temporalStatus: null, report: stored, reportSource: 'store' };
}

/**
 * Wakes a push connector's drain, starting it when it is not running (signal-with-start): the one
 * workflow that reads its inbox, so two reads never race over its cursor.
 */
export async function wakeDrain(client: Client, connector: Connector, taskQueue: string): Promise<StartedCycle> {
  const input: WebhookDrainInput = { connectorId: connector.id, pending: true };
  const handle = await client.workflow.signalWithStart<WebhookDrainWorkflow, []>(WEBHOOK_DRAIN_WORKFLOW, {
    workflowId: webhookDrainWorkflowId(connector.id),
    taskQueue,
    args: [input],
    signal: eventsArrivedSignal,
    signalArgs: [],
    typedSearchAttributes: cycleSearchAttributes(connector),
    ...cycleMetadata(connector),
  });
  return { workflowId: handle.workflowId, runId: handle.signaledRunId };
}

/**
 * wakeDrain without a Temporal call per delivery: at most one wake-up per connector is on its way;
 * deliveries committed meanwhile (or in the same turn of the event loop) share the next one, sent as
 * soon as it returns. Each caller still waits for a wake-up sent after its events were committed, so
 * the drain's round reads them, and a failed wake-up reaches every delivery it stood for (their
 * senders retry). The drain itself only notes a pending round, however many wake-ups arrive.
 */
export function sharedDrainWake(client: Client, taskQueue: string): (connector: Connector) => Promise<void> {
  const byConnector = new Map<string, (connector: Connector) => Promise<void>>();
  const wakeWithLatest = async (connectors: Connector[]): Promise<void[]> => {
    const latest = connectors.at(-1);
    // A deadline of its own: the caller whose request started the chain of wake-ups may be long gone.
    if (latest) await client.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, () => wakeDrain(client, latest, taskQueue));
    return connectors.map(() => undefined);
  };
  return (connector) => {
    let wake = byConnector.get(connector.id);
    if (!wake) {
      wake = groupWhileBusy(wakeWithLatest, { max: Number.POSITIVE_INFINITY });
      byConnector.set(connector.id, wake);
    }
    return wake(connector);
  };
}
