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

/** Connector and stream: the labels of most row and duration figures. */
const BY_STREAM = ['connector_id', 'stream'] as const;

const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
  new Counter<L>({ name, help, labelNames, registers });

const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
  new Histogram<L>({ name, help, labelNames, buckets, registers });

export const cycles = counter(
  'insight_hub_cycles_total',
  'Ingestion cycles finished, by connector and outcome (completed, failed, blocked, rejected, deferred, dry-run, skipped)',
  ['connector_id', 'outcome'],
);

export const rowsExtracted = counter('insight_hub_rows_extracted_total', 'Rows read from the source, by connector and stream', BY_STREAM);

export const rowsLoaded = counter('insight_hub_rows_loaded_total', 'Rows merged into the warehouse, by connector and stream', BY_STREAM);

export const rowsQuarantined = counter(
  'insight_hub_rows_quarantined_total',
  'Rows failing each rule of the expectation suite (a row failing two rules counts for both), by connector, stream and rule',
  ['connector_id', 'stream', 'rule'],
);

export const batchesBlocked = counter(
  'insight_hub_batches_blocked_total',
  'Batches the guardrails blocked (kept in staging, not loaded), by connector and stream',
  BY_STREAM,
);

export const extractPageDuration = histogram(
  'insight_hub_extract_page_duration_seconds',
  'Time to read one page from the source and stage it, by connector and stream',
  BY_STREAM,
  DURATION_BUCKETS,
);

export const loadDuration = histogram(
  'insight_hub_load_duration_seconds',
  'Time to load one validated batch into the warehouse (one transaction), by connector and stream',
  BY_STREAM,
  DURATION_BUCKETS,
);

export const webhookEvents = counter(
  'insight_hub_webhook_events_total',
  'Events pushed to a webhook, by source and outcome: accepted (stored), duplicate (held already), refused',
  ['source', 'outcome'],
);

export const webhookDeliveriesRefused = counter(
  'insight_hub_webhook_deliveries_refused_total',
  'Webhook deliveries refused as a whole (nothing stored), by source and reason (unauthorized, unsupported-media-type, not-json, invalid)',
  ['source', 'reason'],
);

export const webhookEventToQueryable = histogram(
  'insight_hub_webhook_event_to_queryable_seconds',
  "From a pushed event's receipt to its row being queryable in the warehouse (the newest event of each batch loaded)",
  ['source'],
  LATENCY_BUCKETS,
);

export const retentionSweeps = counter(
  'insight_hub_retention_sweeps_total',
  'Retention sweeps of one data type in one scope, by data type and outcome (swept, failed)',
  ['data_type', 'outcome'],
);

export const retentionRowsDeleted = counter(
  'insight_hub_retention_rows_deleted_total',
  'Rows and files deleted by retention sweeps because they were past their window, by data type',
  ['data_type'],
);

export const complianceBreaches = counter(
  'insight_hub_compliance_breaches_total',
  'Compliance alerts raised by retention sweeps, by data type and kind (data-past-window, sweep-failed, sweep-late)',
  ['data_type', 'kind'],
);

export const notificationDeliveries = counter(
  'insight_hub_notification_deliveries_total',
  'Notification delivery attempts, by channel kind (webhook, slack, email) and outcome (delivered, failed)',
  ['channel', 'outcome'],
);

export const storeReadFailures = counter(
  'insight_hub_store_read_failures_total',
  'Scrapes whose gauges could not be read from the control-plane store (the gauges are then left out)',
);
