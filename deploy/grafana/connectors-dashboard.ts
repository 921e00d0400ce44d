/** The connectors dashboard: cycles, rows, approvals, API usage, freshness, webhooks, compliance, per connector. */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { CONNECTORS, dashboard, increaseOver, p95, panel, perSecond } from './panels';

export function connectorsDashboard(): Dashboard {
  return dashboard({
    uid: 'insight-hub-connectors',
    title: 'Insight Hub — connectors',
    description: 'Cycles, rows, approvals, API usage, freshness, webhooks and compliance, per connector',
    tags: ['insight-hub'],
    from: 'now-24h',
    withConnectors: true,
  })
    .withRow(new RowBuilder('Cycles and rows'))
    .withPanel(
      panel({
        title: 'Cycles by outcome',
        description: 'Cycles finished per hour; failed, blocked and rejected ones need a look',
        unit: 'short',
        queries: [{ expr: increaseOver('1h', 'insight_hub_cycles_total', 'outcome'), legend: '{{outcome}}' }],
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
          { expr: perSecond('insight_hub_rows_extracted_total', 'stream'), legend: 'extracted {{stream}}' },
          { expr: perSecond('insight_hub_rows_loaded_total', 'stream'), legend: 'loaded {{stream}}' },
        ],
      }),
    )
    .withPanel(
      panel({
        title: 'Rows quarantined, by rule',
        description: 'Rows failing each expectation per hour (a row failing two rules counts for both)',
        unit: 'short',
        queries: [{ expr: increaseOver('1h', 'insight_hub_rows_quarantined_total', 'stream, rule'), legend: '{{stream}} {{rule}}' }],
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
          { expr: increaseOver('1h', 'insight_hub_batches_blocked_total', 'connector_id, stream'), legend: '{{connector_id}} {{stream}}' },
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
          { expr: perSecond('insight_hub_webhook_events_total', 'source, outcome', ''), legend: '{{source}} {{outcome}}' },
          { expr: perSecond('insight_hub_webhook_deliveries_refused_total', 'source, reason', ''), legend: 'refused {{reason}}' },
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
          { expr: increaseOver('1d', 'insight_hub_retention_rows_deleted_total', 'data_type', ''), legend: 'deleted {{data_type}}' },
          { expr: 'max by (data_type) (insight_hub_retention_rows_past_window)', legend: 'past window {{data_type}}' },
          {
            expr: increaseOver('1d', 'insight_hub_compliance_breaches_total', 'data_type, kind', ''),
            legend: 'breach {{kind}} {{data_type}}',
          },
          {
            expr: increaseOver('1d', 'insight_hub_retention_sweeps_total', 'data_type, outcome', ''),
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
            expr: increaseOver('1h', 'insight_hub_notification_deliveries_total', 'channel, outcome', ''),
            legend: '{{channel}} {{outcome}}',
          },
        ],
      }),
    )
    .build();
}
