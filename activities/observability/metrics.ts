/**
 * Every Prometheus metric Insight Hub exposes, registered in one place: the process's registry,
 * served at `/metrics` by the API (api/metrics-endpoint.ts) and by each worker
 * (worker/observability-server.ts). Names follow Prometheus conventions (`insight_hub_` prefix,
 * units in the name, `_total` counters, `_seconds` histograms). Labels are bounded: connector ids
 * (a connector is configured by a person, so there are few), stream and source names, rule labels of
 * the suites, outcomes from closed lists. Never an email, a name, a token or a record.
 *
 * Figures the control-plane store holds (approvals waiting, API usage, freshness, failures in a row,
 * credentials, retention) are gauges read from the store at scrape time (store-gauges.ts), so they
 * are right whichever process recorded them and after a restart. Counters and histograms here count
 * what this process did; Prometheus sums them over the processes. They count activities that
 * completed, so an activity retried after its completion was lost counts twice: the store's figures
 * (GET /:id/analyze) are the exact ones, these show rates and trends.
 *
 * Notifications: after each delivery attempt is recorded in the delivery log, count it with
 *   notificationDeliveries.inc({ channel: 'webhook' | 'slack' | 'email', outcome: 'delivered' | 'failed' })
 * `channel` is the channel's kind, never its address.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
// The Node.js process's own figures (CPU, memory, event-loop lag), under their standard names.
collectDefaultMetrics({ register: metricsRegistry });

const registers = [metricsRegistry];

/** Durations from a fast page read to a long warehouse load. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
/** From an event received to queryable: seconds for a cycle woken at once, minutes for a scheduled one. */
const LATENCY_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

export const cycles = new Counter({
  name: 'insight_hub_cycles_total',
  help: 'Ingestion cycles finished, by connector and outcome (completed, failed, blocked, rejected, deferred, dry-run, skipped)',
  labelNames: ['connector_id', 'outcome'] as const,
  registers,
});

export const rowsExtracted = new Counter({
  name: 'insight_hub_rows_extracted_total',
  help: 'Rows read from the source, by connector and stream',
  labelNames: ['connector_id', 'stream'] as const,
  registers,
});

export const rowsLoaded = new Counter({
  name: 'insight_hub_rows_loaded_total',
  help: 'Rows merged into the warehouse, by connector and stream',
  labelNames: ['connector_id', 'stream'] as const,
  registers,
});

export const rowsQuarantined = new Counter({
  name: 'insight_hub_rows_quarantined_total',
  help: 'Rows failing each rule of the expectation suite (a row failing two rules counts for both), by connector, stream and rule',
  labelNames: ['connector_id', 'stream', 'rule'] as const,
  registers,
});

export const batchesBlocked = new Counter({
  name: 'insight_hub_batches_blocked_total',
  help: 'Batches the guardrails blocked (kept in staging, not loaded), by connector and stream',
  labelNames: ['connector_id', 'stream'] as const,
  registers,
});

export const extractPageDuration = new Histogram({
  name: 'insight_hub_extract_page_duration_seconds',
  help: 'Time to read one page from the source and stage it, by connector and stream',
  labelNames: ['connector_id', 'stream'] as const,
  buckets: DURATION_BUCKETS,
  registers,
});

export const loadDuration = new Histogram({
  name: 'insight_hub_load_duration_seconds',
  help: 'Time to load one validated batch into the warehouse (one transaction), by connector and stream',
  labelNames: ['connector_id', 'stream'] as const,
  buckets: DURATION_BUCKETS,
  registers,
});

export const webhookEvents = new Counter({
  name: 'insight_hub_webhook_events_total',
  help: 'Events pushed to a webhook, by source and outcome: accepted (stored), duplicate (held already), refused',
  labelNames: ['source', 'outcome'] as const,
  registers,
});

export const webhookDeliveriesRefused = new Counter({
  name: 'insight_hub_webhook_deliveries_refused_total',
  help: 'Webhook deliveries refused as a whole (nothing stored), by source and reason (unauthorized, unsupported-media-type, not-json, invalid)',
  labelNames: ['source', 'reason'] as const,
  registers,
});

export const webhookEventToQueryable = new Histogram({
  name: 'insight_hub_webhook_event_to_queryable_seconds',
  help: "From a pushed event's receipt to its row being queryable in the warehouse (the newest event of each batch loaded)",
  labelNames: ['source'] as const,
  buckets: LATENCY_BUCKETS,
  registers,
});

export const retentionSweeps = new Counter({
  name: 'insight_hub_retention_sweeps_total',
  help: 'Retention sweeps of one data type in one scope, by data type and outcome (swept, failed)',
  labelNames: ['data_type', 'outcome'] as const,
  registers,
});

export const retentionRowsDeleted = new Counter({
  name: 'insight_hub_retention_rows_deleted_total',
  help: 'Rows and files deleted by retention sweeps because they were past their window, by data type',
  labelNames: ['data_type'] as const,
  registers,
});

export const complianceBreaches = new Counter({
  name: 'insight_hub_compliance_breaches_total',
  help: 'Compliance alerts raised by retention sweeps, by data type and kind (data-past-window, sweep-failed, sweep-late)',
  labelNames: ['data_type', 'kind'] as const,
  registers,
});

export const notificationDeliveries = new Counter({
  name: 'insight_hub_notification_deliveries_total',
  help: 'Notification delivery attempts, by channel kind (webhook, slack, email) and outcome (delivered, failed)',
  labelNames: ['channel', 'outcome'] as const,
  registers,
});

export const storeReadFailures = new Counter({
  name: 'insight_hub_store_read_failures_total',
  help: 'Scrapes whose gauges could not be read from the control-plane store (the gauges are then left out)',
  registers,
});
