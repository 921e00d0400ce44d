/**
 * Where a cycle's time went, from its workflow history: per activity type, how many ran, the seconds
 * they ran (started → closed) and the seconds they waited for a worker (scheduled → started). Pure
 * over the history, which Temporal records for every cycle anyway.
 */
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

export interface ActivityTime {
  count: number;
  runSeconds: number;
  waitSeconds: number;
}

const seconds = (time: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  Number(time?.seconds ?? 0) + (time?.nanos ?? 0) / 1e9;

export function activityTimes(history: History): Record<string, ActivityTime> {
  const scheduled = new Map<string, { type: string; at: number }>();
  const started = new Map<string, number>();
  const times: Record<string, ActivityTime> = {};
  for (const event of history.events ?? []) {
    const at = seconds(event.eventTime);
    const id = String(event.eventId);
    const schedule = event.activityTaskScheduledEventAttributes;
    if (schedule) scheduled.set(id, { type: schedule.activityType?.name ?? 'unknown', at });
    const start = event.activityTaskStartedEventAttributes;
    if (start) started.set(String(start.scheduledEventId), at);
    const closed =
      event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    if (!closed) continue;
    const scheduledId = String(closed.scheduledEventId);
    const task = scheduled.get(scheduledId);
    const startedAt = started.get(scheduledId);
    if (!task || startedAt === undefined) continue;
    const time = (times[task.type] ??= { count: 0, runSeconds: 0, waitSeconds: 0 });
    time.count += 1;
    time.runSeconds += at - startedAt;
    time.waitSeconds += startedAt - task.at;
  }
  return times;
}

export interface ActivitySpan {
  type: string;
  /** Seconds from the cycle's start until the activity started running, and until it closed. */
  startedAt: number;
  closedAt: number;
}

/** Every activity's run on the cycle's clock, in the order they started: what ran while what else ran. */
export function activityTimeline(history: History): ActivitySpan[] {
  const first = seconds(history.events?.[0]?.eventTime);
  const scheduled = new Map<string, string>();
  const started = new Map<string, number>();
  const spans: ActivitySpan[] = [];
  for (const event of history.events ?? []) {
    const at = seconds(event.eventTime) - first;
    const schedule = event.activityTaskScheduledEventAttributes;
    if (schedule) scheduled.set(String(event.eventId), schedule.activityType?.name ?? 'unknown');
    const start = event.activityTaskStartedEventAttributes;
    if (start) started.set(String(start.scheduledEventId), at);
    const closed = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes;
    const startedAt = closed ? started.get(String(closed.scheduledEventId)) : undefined;
    if (closed && startedAt !== undefined)
      spans.push({ type: scheduled.get(String(closed.scheduledEventId)) ?? 'unknown', startedAt, closedAt: at });
  }
  return spans.sort((a, b) => a.startedAt - b.startedAt);
}

/**
 * Seconds from the cycle's start until its last batch was committed: the load done, before the
 * customer models' refresh and the run report, which a loader without models (dlt) does not have. A
 * load commits its batch's cursor itself; commitCursor, batches not loaded and older histories'.
 */
export function secondsToLastCommit(history: History): number | undefined {
  const commits = activityTimeline(history).filter((span) => span.type === 'loadBatch' || span.type === 'commitCursor');
  return commits.length === 0 ? undefined : Math.max(...commits.map((span) => span.closedAt));
}
