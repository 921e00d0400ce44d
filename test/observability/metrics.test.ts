/** The metrics as Prometheus's conventions want them, and who may scrape them. */
import { Registry } from 'prom-client';
import { z } from 'zod';
import { metricsRegistry } from '../../activities/observability/metrics';
import { judgeScrape } from '../../activities/observability/scrape-endpoint';
import { registerStoreGauges, STORE_GAUGE_NAMES } from '../../activities/observability/store-gauges';
import { logger } from '../../activities/logger';

const ours = async () => (await metricsRegistry.getMetricsAsJSON()).filter((metric) => metric.name.startsWith('insight_hub_'));

/** Labels that could carry a person or a secret: never one of ours. */
const UNBOUNDED_LABELS = /email|name|user|subject|token|key|secret|password|url|address|id$/;
const BOUNDED_IDS = new Set(['connector_id']);
/** prom-client keeps a metric's label names on the metric object. */
const declared = z.looseObject({ name: z.string(), labelNames: z.array(z.string()).default([]) });

describe('metric names and labels', () => {
  test('every counter ends in _total, every histogram is in seconds, no gauge claims to be a counter', async () => {
    const metrics = await ours();
    expect(metrics.length).toBeGreaterThanOrEqual(15);
    for (const metric of metrics.map((m) => ({ name: m.name, type: String(m.type) }))) {
      if (metric.type === 'counter') expect(metric.name).toMatch(/_total$/);
      if (metric.type === 'histogram') expect(metric.name).toMatch(/_seconds$/);
      if (metric.type !== 'counter') expect(metric.name).not.toMatch(/_total$/);
    }
  });

  test('the figures the issue asks for are there under their names', async () => {
    const names = (await ours()).map((metric) => metric.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'insight_hub_cycles_total',
        'insight_hub_rows_extracted_total',
        'insight_hub_rows_loaded_total',
        'insight_hub_rows_quarantined_total',
        'insight_hub_webhook_events_total',
        'insight_hub_webhook_event_to_queryable_seconds',
        'insight_hub_load_duration_seconds',
        'insight_hub_extract_page_duration_seconds',
        'insight_hub_retention_sweeps_total',
        'insight_hub_compliance_breaches_total',
        'insight_hub_notification_deliveries_total',
      ]),
    );
  });

  test('labels are bounded: a connector id at most, never a person, an address or a secret', async () => {
    const registry = new Registry();
    const remove = registerStoreGauges({ liveFigures: { read: () => Promise.reject(new Error('unused')) } }, logger, registry);
    try {
      const all = [...metricsRegistry.getMetricsAsArray(), ...registry.getMetricsAsArray()].map((metric) => declared.parse(metric));
      expect(all.map((m) => m.name)).toEqual(expect.arrayContaining(STORE_GAUGE_NAMES));
      const labels = all
        .filter((m) => m.name.startsWith('insight_hub_'))
        .flatMap((m) => m.labelNames.map((label) => `${m.name}{${label}}`));
      expect(labels.length).toBeGreaterThan(20);
      for (const label of labels) if (!BOUNDED_IDS.has(/\{(.+)\}/.exec(label)?.[1] ?? '')) expect(label).not.toMatch(UNBOUNDED_LABELS);
    } finally {
      remove();
    }
  });
});

describe('who may scrape', () => {
  const token = 'a-scrape-token-of-some-length';

  test('without a token, this host only', () => {
    expect(judgeScrape(undefined, undefined, '127.0.0.1')).toEqual({ allowed: true });
    expect(judgeScrape(undefined, undefined, '::1')).toEqual({ allowed: true });
    expect(judgeScrape(undefined, undefined, '::ffff:127.0.0.1')).toEqual({ allowed: true });
    expect(judgeScrape(undefined, undefined, '10.0.0.7')).toMatchObject({ allowed: false, status: 403, message: /METRICS_SCRAPE_TOKEN/ });
  });

  test('with a token, the bearer token from anywhere and nothing else', () => {
    expect(judgeScrape(token, `Bearer ${token}`, '10.0.0.7')).toEqual({ allowed: true });
    expect(judgeScrape(token, undefined, '127.0.0.1')).toMatchObject({ allowed: false, status: 401 });
    expect(judgeScrape(token, `Bearer ${token}x`, '10.0.0.7')).toMatchObject({ allowed: false, status: 401 });
    expect(judgeScrape(token, token, '10.0.0.7')).toMatchObject({ allowed: false, status: 401, message: /Authorization: Bearer/ });
  });
});
