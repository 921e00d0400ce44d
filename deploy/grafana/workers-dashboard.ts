/** The workers dashboard: the Temporal SDK's own metrics, as the workers relay them. */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard, increaseOver, p95, panel } from './panels';

export function workersDashboard(): Dashboard {
  return dashboard({
    uid: 'insight-hub-workers',
    title: 'Insight Hub — workers',
    description: "The workers' Temporal SDK metrics: task-queue latency, activity and workflow task failures, free slots",
    tags: ['insight-hub', 'temporal'],
    from: 'now-6h',
    withConnectors: false,
  })
    .withRow(new RowBuilder('Task queues'))
    .withPanel(
      panel({
        title: 'Schedule-to-start latency, 95th percentile',
        description: 'How long tasks wait on their queue for a worker: growing means too few workers (or a source rate limit at work)',
        unit: 's',
        queries: [
          { expr: p95('temporal_activity_schedule_to_start_latency_seconds', 'task_queue', ''), legend: 'activities {{task_queue}}' },
          {
            expr: p95('temporal_workflow_task_schedule_to_start_latency_seconds', 'task_queue', ''),
            legend: 'workflow tasks {{task_queue}}',
          },
        ],
      }),
    )
    .withPanel(
      panel({
        title: 'Free task slots',
        description: 'Slots a worker has for more tasks, by kind',
        unit: 'short',
        queries: [
          { expr: 'sum by (instance, worker_type) (temporal_worker_task_slots_available)', legend: '{{instance}} {{worker_type}}' },
        ],
      }),
    )
    .withRow(new RowBuilder('Failures'))
    .withPanel(
      panel({
        title: 'Activity failures',
        description: 'Activity attempts that failed per minute (Temporal retries them), by activity',
        unit: 'short',
        queries: [
          { expr: increaseOver('1m', 'temporal_activity_execution_failed_total', 'activity_type', ''), legend: '{{activity_type}}' },
        ],
      }),
    )
    .withPanel(
      panel({
        title: 'Activity execution time, 95th percentile',
        description: 'From an activity task starting to its completion on the worker',
        unit: 's',
        queries: [{ expr: p95('temporal_activity_execution_latency_seconds', 'activity_type', ''), legend: '{{activity_type}}' }],
      }),
    )
    .build();
}
