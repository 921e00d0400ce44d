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
import { scheduleEvery } from '../domain/sources';
import { CREDENTIAL_CHECK_SCHEDULE_ID, CREDENTIAL_CHECK_WORKFLOW, scheduleId, scheduledCycleWorkflowId } from '../domain/constants';
import { INGESTION_CYCLE_WORKFLOW, type IngestionCycleInput } from '../domain/messages';
import { cycleMetadata, cycleSearchAttributes } from './cycle-workflow';
import {
  RETENTION_DATA_TYPES,
  RETENTION_SWEEP_WORKFLOW,
  retentionScheduleId,
  retentionSweepWorkflowId,
  type RetentionSettings,
  type RetentionSweepInput,
} from '../domain/privacy';

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

/** A connector without an interval (a webhook source) gets no schedule: deliveries wake its drain. */
export async function createConnectorSchedule(client: Client, connector: Connector, taskQueue: string): Promise<void> {
  const definition = scheduleDefinition(connector, taskQueue);
  if (definition) await client.schedule.create({ scheduleId: scheduleId(connector.id), ...definition });
}

/** Re-creates the schedule when it is missing, so an update always leaves one in place (or none, when it has no interval). */
export async function updateConnectorSchedule(client: Client, connector: Connector, taskQueue: string): Promise<void> {
  const definition = scheduleDefinition(connector, taskQueue);
  if (!definition) return deleteConnectorSchedule(client, connector.id);
  try {
    await client.schedule.getHandle(scheduleId(connector.id)).update(() => definition);
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

function scheduleDefinition(connector: Connector, taskQueue: string): ScheduleUpdateOptions | null {
  const every = scheduleEvery(connector.configuration);
  if (every === null) return null;
  const input: IngestionCycleInput = { connectorId: connector.id, trigger: 'schedule' };
  const paused = connector.status === 'paused';
  return {
    spec: { intervals: [{ every: durationToMs(every) }] },
    action: {
      type: 'startWorkflow',
      workflowType: INGESTION_CYCLE_WORKFLOW,
      taskQueue,
      workflowId: scheduledCycleWorkflowId(connector.id),
      args: [input],
      typedSearchAttributes: cycleSearchAttributes(connector),
      ...cycleMetadata(connector),
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

/**
 * One schedule per retention data type, each running that type's sweep at the policy's interval.
 * Created when missing and brought up to date otherwise, so calling it at every start-up is safe.
 */
export async function ensureRetentionSchedules(client: Client, settings: RetentionSettings, taskQueue: string): Promise<void> {
  for (const dataType of RETENTION_DATA_TYPES) {
    const input: RetentionSweepInput = { dataType, settings };
    const definition: ScheduleUpdateOptions = {
      spec: { intervals: [{ every: durationToMs(settings.every) }] },
      action: {
        type: 'startWorkflow',
        workflowType: RETENTION_SWEEP_WORKFLOW,
        taskQueue,
        workflowId: retentionSweepWorkflowId(dataType),
        args: [input],
      },
      // A missed sweep is run once when Temporal is back: data past its window must not wait a whole interval.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: durationToMs(settings.every) },
      state: { paused: false, note: `retention sweep of ${dataType}` },
    };
    try {
      await client.schedule.getHandle(retentionScheduleId(dataType)).update(() => definition);
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      await client.schedule.create({ scheduleId: retentionScheduleId(dataType), ...definition });
    }
  }
}

/** The daily credential check (alerts from day 25 of a Zendesk token's 30), created or brought up to date. */
export async function ensureCredentialCheckSchedule(client: Client, taskQueue: string): Promise<void> {
  const definition: ScheduleUpdateOptions = {
    spec: { intervals: [{ every: durationToMs('1d') }] },
    action: {
      type: 'startWorkflow',
      workflowType: CREDENTIAL_CHECK_WORKFLOW,
      taskQueue,
      workflowId: CREDENTIAL_CHECK_SCHEDULE_ID,
      args: [],
    },
    // A check missed while Temporal was down runs when it is back: an alert a day late is still worth having.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: durationToMs('1d') },
    state: { paused: false, note: 'daily check of credentials due for rotation' },
  };
  try {
    await client.schedule.getHandle(CREDENTIAL_CHECK_SCHEDULE_ID).update(() => definition);
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await client.schedule.create({ scheduleId: CREDENTIAL_CHECK_SCHEDULE_ID, ...definition });
  }
}
