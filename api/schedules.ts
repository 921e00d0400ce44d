/** A connector's Temporal Schedule: created, changed and removed with the connector's config. */
import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { Connector } from '../domain/connector';
import { durationToMs } from '../domain/durations';
import { scheduleId, scheduledCycleWorkflowId } from '../domain/constants';
import { INGESTION_CYCLE_WORKFLOW, type IngestionCycleInput } from '../domain/messages';
import { cycleSearchAttributes } from './cycle-workflow';

/**
 * Cycles are incremental, so a run missed while Temporal was down is not worth replaying late: the
 * next one reads from the same cursor anyway.
 */
const CATCHUP_WINDOW = '1 minute';

export interface ConnectorScheduleState {
  scheduleId: string;
  paused: boolean;
  note: string | null;
  intervalSeconds: number | null;
  nextRunTimes: string[];
  recentRuns: { workflowId: string; scheduledAt: string; startedAt: string }[];
  runningWorkflowIds: string[];
}

export async function createConnectorSchedule(client: Client, connector: Connector, taskQueue: string): Promise<void> {
  await client.schedule.create({ scheduleId: scheduleId(connector.id), ...scheduleDefinition(connector, taskQueue) });
}

/** Re-creates the schedule when it is missing, so an update always leaves one in place. */
export async function updateConnectorSchedule(client: Client, connector: Connector, taskQueue: string): Promise<void> {
  try {
    await client.schedule.getHandle(scheduleId(connector.id)).update(() => scheduleDefinition(connector, taskQueue));
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await createConnectorSchedule(client, connector, taskQueue);
  }
}

/** Idempotent: a schedule that is already gone counts as deleted. */
export async function deleteConnectorSchedule(client: Client, connectorId: string): Promise<void> {
  try {
    await client.schedule.getHandle(scheduleId(connectorId)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}

/** Null when the connector has no schedule. */
export async function describeConnectorSchedule(client: Client, connectorId: string): Promise<ConnectorScheduleState | null> {
  try {
    return toScheduleState(await client.schedule.getHandle(scheduleId(connectorId)).describe());
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return null;
    throw error;
  }
}

function scheduleDefinition(connector: Connector, taskQueue: string): ScheduleUpdateOptions {
  const input: IngestionCycleInput = { connectorId: connector.id, trigger: 'schedule' };
  const paused = connector.status === 'paused';
  return {
    spec: { intervals: [{ every: durationToMs(connector.configuration.schedule.every) }] },
    action: {
      type: 'startWorkflow',
      workflowType: INGESTION_CYCLE_WORKFLOW,
      taskQueue,
      workflowId: scheduledCycleWorkflowId(connector.id),
      args: [input],
      typedSearchAttributes: cycleSearchAttributes(connector),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW },
    state: { paused, note: paused ? 'connector status is paused' : 'connector status is active' },
    typedSearchAttributes: cycleSearchAttributes(connector),
  };
}

function toScheduleState(description: ScheduleDescription): ConnectorScheduleState {
  const interval = description.spec.intervals?.[0];
  return {
    scheduleId: description.scheduleId,
    paused: description.state.paused,
    note: description.state.note ?? null,
    intervalSeconds: interval ? interval.every / 1_000 : null,
    nextRunTimes: description.info.nextActionTimes.map((time) => time.toISOString()),
    recentRuns: description.info.recentActions.map((run) => ({
      workflowId: run.action.workflow.workflowId,
      scheduledAt: run.scheduledAt.toISOString(),
      startedAt: run.takenAt.toISOString(),
    })),
    runningWorkflowIds: description.info.runningActions.map((run) => run.workflow.workflowId),
  };
}
