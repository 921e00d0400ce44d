/**
 * Gauges read from the control-plane store when Prometheus scrapes: one read of the store's live
 * figures per scrape, shared by every gauge. The API registers them (api/main.ts); every API replica
 * shows the same figures, so alert rules and panels take `max by` over them.
 */
import { Gauge, type Registry } from 'prom-client';
import { sourceDefinitions } from '../../domain/sources';
import { SOURCE_KINDS, type SourceKind } from '../../domain/connector';
import type { Logger } from '../logger';
import { tokenRotationStatus } from '../sources/zendesk/token-rotation';
import type { LiveFigures, LiveFiguresRepository } from '../store/live-figures';
import { metricsRegistry, storeReadFailures } from './metrics';

/** The gauges only read the figures. */
type GaugeStore = { liveFigures: Pick<LiveFiguresRepository, 'read'> };

const DAY_SECONDS = 86_400;
/** Gauges asked within this time share one read of the store (a scrape asks every gauge at once). */
const READ_REUSE_MS = 1_000;

type Figures = (now: Date) => Promise<LiveFigures | null>;
type GaugeSpec = {
  name: string;
  help: string;
  labelNames: readonly string[];
  set: (gauge: Gauge, figures: LiveFigures, now: Date) => void;
};

const isSourceKind = (name: string): name is SourceKind => SOURCE_KINDS.some((kind) => kind === name);

/** A service-reported figure covers a UTC day; our own count covers the source's rate window. */
function windowSeconds(source: string, scope: string): number {
  if (scope !== 'rate' || !isSourceKind(source)) return DAY_SECONDS;
  return sourceDefinitions[source].rateLimit?.perSeconds ?? DAY_SECONDS;
}

const seconds = (date: Date): number => date.getTime() / 1000;

const GAUGES: GaugeSpec[] = [
  {
    name: 'insight_hub_approvals_waiting',
    help: 'Approval gates waiting for a decision, by connector',
    labelNames: ['connector_id'],
    set: (gauge, figures) => figures.approvals.forEach((a) => gauge.set({ connector_id: a.connectorId }, a.waiting)),
  },
  {
    name: 'insight_hub_approval_oldest_wait_seconds',
    help: 'How long the oldest waiting approval gate of a connector has waited',
    labelNames: ['connector_id'],
    set: (gauge, figures) => figures.approvals.forEach((a) => gauge.set({ connector_id: a.connectorId }, a.oldestWaitSeconds)),
  },
  {
    name: 'insight_hub_approval_timeout_remaining_seconds',
    help: "Time left before the approval policy decides the connector's next waiting gate by timeout",
    labelNames: ['connector_id'],
    set: (gauge, figures) => figures.approvals.forEach((a) => gauge.set({ connector_id: a.connectorId }, a.soonestTimeoutSeconds)),
  },
  {
    name: 'insight_hub_api_usage_ratio',
    help: "Share of a source's limit used in the current window (1 = the limit), by connector, source and window (rate: our own requests per rate window; else the service's daily figure)",
    labelNames: ['connector_id', 'source', 'window'],
    set: (gauge, figures, now) => {
      for (const usage of figures.apiUsage) {
        if (seconds(now) - seconds(usage.windowStart) >= windowSeconds(usage.source, usage.scope)) continue; // a past window
        gauge.set({ connector_id: usage.connectorId, source: usage.source, window: usage.scope }, usage.used / usage.limit);
      }
    },
  },
  {
    name: 'insight_hub_freshness_seconds',
    help: "Seconds since a stream's data was last loaded (since the connector was created, before its first load), active connectors",
    labelNames: ['connector_id', 'stream'],
    set: (gauge, figures) => figures.freshness.forEach((f) => gauge.set({ connector_id: f.connectorId, stream: f.stream }, f.ageSeconds)),
  },
  {
    name: 'insight_hub_freshness_target_seconds',
    help: "The connector's guardrails.freshnessTargetMinutes, in seconds, per stream (connectors that set one)",
    labelNames: ['connector_id', 'stream'],
    set: (gauge, figures) => {
      for (const f of figures.freshness) {
        if (f.targetMinutes !== null) gauge.set({ connector_id: f.connectorId, stream: f.stream }, f.targetMinutes * 60);
      }
    },
  },
  {
    name: 'insight_hub_cycles_failed_in_a_row',
    help: 'Cycles of a connector that failed since its last cycle that did not',
    labelNames: ['connector_id'],
    set: (gauge, figures) => figures.failuresInARow.forEach((f) => gauge.set({ connector_id: f.connectorId }, f.failures)),
  },
  {
    name: 'insight_hub_credential_expiry_timestamp_seconds',
    help: 'When a credential that is rotated on a clock falls due (Unix time), by connector and credential',
    labelNames: ['connector_id', 'credential'],
    set: (gauge, figures, now) => {
      for (const token of figures.tokenIssuedAt) {
        const dueAt = new Date(tokenRotationStatus(token.issuedAt, now).dueAt);
        gauge.set({ connector_id: token.connectorId, credential: 'zendesk_api_token' }, seconds(dueAt));
      }
    },
  },
  {
    name: 'insight_hub_retention_rows_past_window',
    help: 'Rows and files the newest retention proofs found still past their window, by data type (above 0: a compliance breach)',
    labelNames: ['data_type'],
    set: (gauge, figures) => figures.retention.forEach((r) => gauge.set({ data_type: r.dataType }, r.remaining)),
  },
  {
    name: 'insight_hub_retention_last_sweep_timestamp_seconds',
    help: 'When a data type was last swept for retention (Unix time)',
    labelNames: ['data_type'],
    set: (gauge, figures) => figures.retention.forEach((r) => gauge.set({ data_type: r.dataType }, seconds(r.lastSweptAt))),
  },
  {
    name: 'insight_hub_audit_event_last_timestamp_seconds',
    help: 'When a connector (or the platform, the nil id) last had an event an alert watches: batch.blocked, compliance.alert (Unix time)',
    labelNames: ['connector_id', 'event'],
    set: (gauge, figures) =>
      figures.lastAlertedEvents.forEach((e) => gauge.set({ connector_id: e.connectorId, event: e.event }, seconds(e.at))),
  },
];

/** One read per scrape; a failed read is logged and counted, and the gauges are left out of that scrape. */
function sharedReads(store: GaugeStore, logger: Logger): Figures {
  let last: { at: number; figures: Promise<LiveFigures | null> } | undefined;
  return (now) => {
    if (last && now.getTime() - last.at < READ_REUSE_MS) return last.figures;
    const figures = store.liveFigures.read().catch((error: unknown) => {
      storeReadFailures.inc();
      logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'metrics: the store could not be read');
      return null;
    });
    last = { at: now.getTime(), figures };
    return figures;
  };
}

/**
 * Registers the store's gauges on the registry; the returned function removes them again (a test
 * that opened the store, or a process closing it).
 */
export function registerStoreGauges(
  store: GaugeStore,
  logger: Logger,
  registry: Registry = metricsRegistry,
  now: () => Date = () => new Date(),
): () => void {
  const figuresAt = sharedReads(store, logger);
  for (const spec of GAUGES) {
    new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames,
      registers: [registry],
      async collect() {
        this.reset(); // a connector deleted, an approval decided: their series go
        const at = now();
        const figures = await figuresAt(at);
        if (figures) spec.set(this, figures, at);
      },
    });
  }
  return () => GAUGES.forEach((spec) => registry.removeSingleMetric(spec.name));
}

/** The names of the gauges registerStoreGauges adds, for tests and the dashboards' check. */
export const STORE_GAUGE_NAMES = GAUGES.map((spec) => spec.name);
