/**
 * Insight Hub's Grafana dashboards as code, with Grafana's own foundation SDK. The JSON Grafana reads
 * is generated from here and committed under deploy/grafana/dashboards/ (docker-compose.yml
 * provisions it): `npx tsx deploy/grafana/dashboards.ts` writes it again after a change here, and
 * test/observability/dashboards.test.ts fails while the committed JSON differs or a panel asks for a
 * metric that the API and workers do not serve.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import {
  DashboardBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** Every query is narrowed to the connectors picked at the top of the dashboard. */
const CONNECTORS = 'connector_id=~"$connector"';

interface Query {
  expr: string;
  legend: string;
}

interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  /** A red line at this value (an alert's threshold). */
  threshold?: number;
}

function panel(spec: PanelSpec): PanelBuilder {
  const built = new PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .min(0)
    .height(8)
    .span(12);
  for (const [i, query] of spec.queries.entries()) {
    built.withTarget(
      new DataqueryBuilder()
        .refId(String.fromCharCode(65 + i))
        .expr(query.expr)
        .legendFormat(query.legend),
    );
  }
  if (spec.threshold !== undefined) {
    built.thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: 'green' },
        { value: spec.threshold, color: 'red' },
      ]),
    );
  }
  return built;
}

const p95 = (histogram: string, by: string, filter = CONNECTORS): string =>
  `histogram_quantile(0.95, sum by (le, ${by}) (rate(${histogram}_bucket{${filter}}[$__rate_interval])))`;

function variables(builder: DashboardBuilder, withConnectors: boolean): DashboardBuilder {
  builder.withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'));
  if (!withConnectors) return builder;
  return builder.withVariable(
    new QueryVariableBuilder('connector')
      .label('Connector')
      .datasource(DATASOURCE)
      .query('label_values(insight_hub_freshness_seconds, connector_id)')
      .multi(true)
      .includeAll(true)
      .allValue('.*'),
  );
}

export function operationsDashboard(): Dashboard {
  const builder = variables(
    new DashboardBuilder('Insight Hub — connectors')
      .uid('insight-hub-connectors')
      .description('Cycles, rows, approvals, API usage, freshness, webhooks and compliance, per connector')
      .tags(['insight-hub'])
      .refresh('1m')
      .time({ from: 'now-24h', to: 'now' }),
    true,
  );
  return builder
    .withRow(new RowBuilder('Cycles and rows'))
    .withPanel(
      panel({
        title: 'Cycles by outcome',
        description: 'Cycles finished per hour; failed, blocked and rejected ones need a look',
        unit: 'short',
        queries: [{ expr: `sum by (outcome) (increase(insight_hub_cycles_total{${CONNECTORS}}[1h]))`, legend: '{{outcome}}' }],
      }),
    )
    .withPanel(
      panel({
        title: 'Failed cycles in a row',
        description: 'Three or more fire InsightHubCyclesFailing',
        unit: 'short',
        threshold: 3,
        queries: [{ expr: `max by (connector_id) (insight_hub_cycles_failed_in_a_row{${CONNECTORS}})`, legend: '{{connector_id}}' }],
      }),
    )
    .withPanel(
      panel({
        title: 'Rows extracted and loaded',
        description: 'Rows per second, by stream',
        unit: 'rowsps',
        queries: [
          {
            expr: `sum by (stream) (rate(insight_hub_rows_extracted_total{${CONNECTORS}}[$__rate_interval]))`,
            legend: 'extracted {{stream}}',
          },
          { expr: `sum by (stream) (rate(insight_hub_rows_loaded_total{${CONNECTORS}}[$__rate_interval]))`, legend: 'loaded {{stream}}' },
        ],
      }),
    )
    .withPanel(
      panel({
        title: 'Rows quarantined, by rule',
        description: 'Rows failing each expectation per hour (a row failing two rules counts for both)',
        unit: 'short',
        queries: [
          {
            expr: `sum by (stream, rule) (increase(insight_hub_rows_quarantined_total{${CONNECTORS}}[1h]))`,
            legend: '{{stream}} {{rule}}',
          },
        ],
      }),
    )
    .withRow(new RowBuilder('Approvals and guardrails'))
    .withPanel(
      panel({
        title: 'Approvals waiting',
        description: 'Gates waiting for a manager (GET /api/v1/approvals)',
        unit: 'short',
        queries: [{ expr: `max by (connector_id) (insight_hub_approvals_waiting{${CONNECTORS}})`, legend: '{{connector_id}}' }],
      }),
    )
    .withPanel(
      panel({
        title: 'Oldest wait and time left before the timeout decides',
        description: 'InsightHubApprovalWaiting past 4 h of waiting; InsightHubApprovalCloseToTimeout under 1 h left',
        unit: 's',
        queries: [
          { expr: `max by (connector_id) (insight_hub_approval_oldest_wait_seconds{${CONNECTORS}})`, legend: 'waited {{connector_id}}' },
          {
            expr: `min by (connector_id) (insight_hub_approval_timeout_remaining_seconds{${CONNECTORS}})`,
            legend: 'left {{connector_id}}',
          },
        ],
      }),
    )
    .withPanel(
      panel({
        title: 'Batches blocked',
        description: 'Batches the guardrails kept out of the warehouse, per hour',
        unit: 'short',
        queries: [
          {
            expr: `sum by (connector_id, stream) (increase(insight_hub_batches_blocked_total{${CONNECTORS}}[1h]))`,
            legend: '{{connector_id}} {{stream}}',
          },
        ],
      }),
    )
    .withRow(new RowBuilder('API usage and freshness'))
    .withPanel(
      panel({
        title: 'API usage of the limit',
        description: "Share of each source's limit used in the current window; 80 % fires InsightHubApiUsageNearLimit",
        unit: 'percentunit',
        threshold: 0.8,
        queries: [
          {
            expr: `max by (connector_id, source, window) (insight_hub_api_usage_ratio{${CONNECTORS}})`,
            legend: '{{source}} {{window}} {{connector_id}}',
          },
        ],
      }),
    )
    .withPanel(
      panel({
        title: 'Freshness against the target',
        description: "Time since each stream was last loaded, and the connector's freshnessTargetMinutes",
        unit: 's',
        queries: [
          { expr: `max by (connector_id, stream) (insight_hub_freshness_seconds{${CONNECTORS}})`, legend: '{{stream}} {{connector_id}}' },
          {
            expr: `max by (connector_id, stream) (insight_hub_freshness_target_seconds{${CONNECTORS}})`,
            legend: 'target {{stream}} {{connector_id}}',
          },
        ],
      }),
    )
    .withRow(new RowBuilder('Durations and webhooks'))
    .withPanel(
      panel({
        title: 'Extract and load, 95th percentile',
        description: 'One page read and staged; one batch loaded in one transaction',
        unit: 's',
        queries: [
          { expr: p95('insight_hub_extract_page_duration_seconds', 'stream'), legend: 'extract {{stream}}' },
          { expr: p95('insight_hub_load_duration_seconds', 'stream'), legend: 'load {{stream}}' },
        ],
      }),
    )
    .withPanel(
      panel({
        title: 'Webhook events and event-to-queryable latency',
        description: 'Events pushed per second by outcome; the 95th percentile from receipt to queryable',
        unit: 'short',
        queries: [
          { expr: 'sum by (source, outcome) (rate(insight_hub_webhook_events_total[$__rate_interval]))', legend: '{{source}} {{outcome}}' },
          {
            expr: 'sum by (source, reason) (rate(insight_hub_webhook_deliveries_refused_total[$__rate_interval]))',
            legend: 'refused {{reason}}',
          },
          { expr: p95('insight_hub_webhook_event_to_queryable_seconds', 'source', ''), legend: 'p95 seconds {{source}}' },
        ],
      }),
    )
    .withRow(new RowBuilder('Compliance, credentials, notifications'))
    .withPanel(
      panel({
        title: 'Retention sweeps',
        description: 'Rows deleted past their window per day; rows left past it (a breach); compliance alerts',
        unit: 'short',
        queries: [
          { expr: 'sum by (data_type) (increase(insight_hub_retention_rows_deleted_total[1d]))', legend: 'deleted {{data_type}}' },
          { expr: 'max by (data_type) (insight_hub_retention_rows_past_window)', legend: 'past window {{data_type}}' },
          {
            expr: 'sum by (data_type, kind) (increase(insight_hub_compliance_breaches_total[1d]))',
            legend: 'breach {{kind}} {{data_type}}',
          },
          {
            expr: 'sum by (data_type, outcome) (increase(insight_hub_retention_sweeps_total[1d]))',
            legend: 'sweeps {{outcome}} {{data_type}}',
          },
        ],
      }),
    )
    .withPanel(
      panel({
        title: 'Credentials: time left before rotation',
        description: 'Under 5 days fires InsightHubCredentialExpiring',
        unit: 's',
        threshold: 5 * 86_400,
        queries: [
          {
            expr: `min by (connector_id, credential) (insight_hub_credential_expiry_timestamp_seconds{${CONNECTORS}}) - time()`,
            legend: '{{credential}} {{connector_id}}',
          },
        ],
      }),
    )
    .withPanel(
      panel({
        title: 'Notification deliveries',
        description: 'Deliveries per hour by channel and outcome; failed ones are retried',
        unit: 'short',
        queries: [
          {
            expr: 'sum by (channel, outcome) (increase(insight_hub_notification_deliveries_total[1h]))',
            legend: '{{channel}} {{outcome}}',
          },
        ],
      }),
    )
    .build();
}

/** The Temporal SDK's own metrics, as the workers relay them: task-queue latency, failures, slots. */
export function workersDashboard(): Dashboard {
  const builder = variables(
    new DashboardBuilder('Insight Hub — workers')
      .uid('insight-hub-workers')
      .description("The workers' Temporal SDK metrics: task-queue latency, activity and workflow task failures, free slots")
      .tags(['insight-hub', 'temporal'])
      .refresh('1m')
      .time({ from: 'now-6h', to: 'now' }),
    false,
  );
  return builder
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
        queries: [{ expr: 'sum by (activity_type) (increase(temporal_activity_execution_failed_total[1m]))', legend: '{{activity_type}}' }],
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

export const DASHBOARDS: Record<string, () => Dashboard> = {
  'insight-hub-connectors': operationsDashboard,
  'insight-hub-workers': workersDashboard,
};

export const DASHBOARD_DIR = path.join(__dirname, 'dashboards');

/** Each dashboard's file and content, as Grafana reads it: JSON in the project's Prettier style (CI checks it). */
export async function renderDashboards(): Promise<{ file: string; content: string }[]> {
  return Promise.all(
    Object.entries(DASHBOARDS).map(async ([uid, build]) => {
      const file = path.join(DASHBOARD_DIR, `${uid}.json`);
      const options = (await prettier.resolveConfig(file)) ?? {};
      return { file, content: await prettier.format(JSON.stringify(build()), { ...options, filepath: file }) };
    }),
  );
}

if (require.main === module) {
  void renderDashboards().then((rendered) => {
    for (const { file, content } of rendered) {
      writeFileSync(file, content);
      process.stdout.write(`wrote ${file}\n`);
    }
  });
}
