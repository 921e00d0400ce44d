/** What the activities count, read back from the metrics as a scrape would show them. */
import {
  cycles,
  loadDuration,
  retentionSweeps,
  complianceBreaches,
  rowsQuarantined,
  webhookEventToQueryable,
} from '../../activities/observability/metrics';
import { countCycle, countLoad, countRetentionSweep } from '../../activities/observability/record';
import { runReport, streamReport } from '../store/fixtures';

/** The value of one series (a counter, or a histogram's count or sum) with exactly these labels. */
async function valueOf(
  metric: { get(): Promise<{ values: { value: number; labels: object; metricName?: string }[] }> },
  labels: object,
  name?: string,
) {
  const { values } = await metric.get();
  const found = values.find((v) => (name === undefined || v.metricName === name) && JSON.stringify(v.labels) === JSON.stringify(labels));
  return found?.value ?? 0;
}

test('a finished cycle counts its outcome and each rule its quarantined rows failed', async () => {
  const connectorId = 'c-record-1';
  const before = await valueOf(cycles, { connector_id: connectorId, outcome: 'completed' });
  countCycle(
    runReport(connectorId, 'completed', new Date(), [
      streamReport('contact', { extracted: 10, loaded: 8, quarantined: 2, failuresByRule: { 'not_null(email)': 2, 'unique(id)': 0 } }),
    ]),
  );
  expect(await valueOf(cycles, { connector_id: connectorId, outcome: 'completed' })).toBe(before + 1);
  expect(await valueOf(rowsQuarantined, { connector_id: connectorId, stream: 'contact', rule: 'not_null(email)' })).toBe(2);
  // A rule no row failed makes no series.
  expect((await rowsQuarantined.get()).values.some((v) => v.labels.rule === 'unique(id)')).toBe(false);
});

test("a pushed event's receipt to queryable is observed from its receipt time; a pulled source's load only takes its duration", async () => {
  const receivedAt = new Date(Date.now() - 30_000);
  const countBefore = await valueOf(
    webhookEventToQueryable,
    { source: 'sendgrid' },
    'insight_hub_webhook_event_to_queryable_seconds_count',
  );
  const started = new Date(Date.now() - 2_000);
  countLoad({ connectorId: 'c-record-2', source: 'sendgrid', stream: 'event' }, started, new Date(), receivedAt);
  countLoad({ connectorId: 'c-record-3', source: 'salesforce', stream: 'contact' }, started, new Date(), receivedAt);
  const count = await valueOf(webhookEventToQueryable, { source: 'sendgrid' }, 'insight_hub_webhook_event_to_queryable_seconds_count');
  const sum = await valueOf(webhookEventToQueryable, { source: 'sendgrid' }, 'insight_hub_webhook_event_to_queryable_seconds_sum');
  expect(count).toBe(countBefore + 1);
  expect(sum).toBeGreaterThanOrEqual(30);
  expect((await webhookEventToQueryable.get()).values.some((v) => v.labels.source === 'salesforce')).toBe(false);
  const loadSum = await valueOf(loadDuration, { connector_id: 'c-record-3', stream: 'contact' }, 'insight_hub_load_duration_seconds_sum');
  expect(loadSum).toBeGreaterThanOrEqual(2);
});

test('a retention sweep counts sweeps by outcome and a breach for data left, a failed sweep and a late one', async () => {
  const target = { dataType: 'quarantine' as const, scope: { kind: 'platform' as const, except: [] }, window: '30d' };
  countRetentionSweep({
    workflowId: 'retention/quarantine',
    dataType: 'quarantine',
    outcomes: [
      {
        target,
        status: 'swept',
        result: { target, cutoff: '2026-01-01T00:00:00Z', deleted: 5, remaining: 1, proof: 'p', sweptAt: '2026-01-31T00:00:00Z' },
      },
      { target, status: 'failed', detail: 'the warehouse did not answer' },
    ],
    late: [{ dataType: 'audit-log', lastProofAt: null }],
  });
  expect(await valueOf(retentionSweeps, { data_type: 'quarantine', outcome: 'swept' })).toBeGreaterThanOrEqual(1);
  expect(await valueOf(retentionSweeps, { data_type: 'quarantine', outcome: 'failed' })).toBeGreaterThanOrEqual(1);
  for (const labels of [
    { data_type: 'quarantine', kind: 'data-past-window' },
    { data_type: 'quarantine', kind: 'sweep-failed' },
    { data_type: 'audit-log', kind: 'sweep-late' },
  ]) {
    expect(await valueOf(complianceBreaches, labels)).toBeGreaterThanOrEqual(1);
  }
});
