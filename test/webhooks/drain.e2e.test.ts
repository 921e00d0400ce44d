/**
 * Webhook to warehouse, end to end: the simulator posts signed events to the real API, the real
 * workers drain the inbox through the quality gate into DuckDB. Events must be queryable within
 * 5 s of the 2xx; stale ones sit in the warehouse quarantine, none lost; a redelivery changes nothing.
 */
import { webhookEventToQueryable } from '../../activities/observability/metrics';
import { createConnectorSchema, type DestinationConfig } from '../../domain/connector';
import { webhookDrainWorkflowId } from '../../domain/webhook-drain';
import { generateSendgridEvents } from '../../simulators/sendgrid/events';
import { createSendgridSender, type SendgridSender } from '../../simulators/sendgrid/sender';
import { createSendgridSigningKey } from '../../simulators/sendgrid/signing';
import { eventually } from '../support/eventually';
import { onTeardown } from '../support/fixture';
import { useStack } from '../support/stack';
import { endDrain, warmUpDrain } from './warm-drain';

const DESTINATION: DestinationConfig = { kind: 'duckdb', schema: 'marketing' };
const FRESHNESS_LIMIT_MS = 5_000;

const stack = useStack({ name: 'webhook-e2e', destination: DESTINATION });
const { warehouseRows } = stack;
let connectorId: string;
let sender: SendgridSender;

beforeAll(async () => {
  const key = createSendgridSigningKey();
  const connector = await stack.store.connectors.create(
    createConnectorSchema.parse({
      userId: 'marketing-ops',
      name: 'SendGrid events to DuckDB',
      configuration: {
        source: { kind: 'sendgrid', publicKey: key.publicKey },
        destination: DESTINATION,
        guardrails: { maxInvalidShare: 0.5 },
      },
    }),
  );
  connectorId = connector.id;
  sender = createSendgridSender(`${stack.apiUrl}/webhooks/sendgrid/${connectorId}`, key);
  onTeardown(() => endDrain(stack.client, connectorId));
  await warmUpDrain(stack.client, connectorId, stack.taskQueue);
});

/** SendGrid's receipt-to-queryable histogram in this process's registry (the workers run in it). */
async function receiptToQueryable(): Promise<{ count: number; sum: number }> {
  const values = (await webhookEventToQueryable.get()).values.filter((v) => v.labels.source === 'sendgrid');
  const named = (name: string) => values.find((v) => v.metricName === name)?.value ?? 0;
  return {
    count: named('insight_hub_webhook_event_to_queryable_seconds_count'),
    sum: named('insight_hub_webhook_event_to_queryable_seconds_sum'),
  };
}

const loadedIds = async (): Promise<string[]> =>
  (await warehouseRows('SELECT sg_event_id FROM marketing.sendgrid_events').catch(() => [])).map((row) => String(row.sg_event_id)).sort();

test('events are queryable in the warehouse within 5 s of the 2xx; stale ones are quarantined with the reason', async () => {
  const events = generateSendgridEvents(400, { seed: 11, staleShare: 0.1 });
  const cutoff = Math.floor(Date.now() / 1000) - 24 * 3600;
  const fresh = events
    .filter((e) => e.timestamp >= cutoff)
    .map((e) => e.sg_event_id)
    .sort();
  const stale = events
    .filter((e) => e.timestamp < cutoff)
    .map((e) => e.sg_event_id)
    .sort();
  expect(stale.length).toBeGreaterThan(0);

  const metricBefore = await receiptToQueryable();
  const delivery = await sender.deliver(events);
  expect(delivery).toMatchObject({ status: 200, response: { stored: 400, quarantined: stale.length } });
  await eventually('the fresh events in sendgrid_events', async () => ((await loadedIds()).length === fresh.length ? true : undefined), {
    timeoutMs: 15_000,
    intervalMs: 50,
  });
  const latencyMs = Date.now() - delivery.answeredAt.getTime();
  expect(latencyMs).toBeLessThan(FRESHNESS_LIMIT_MS);
  expect(await loadedIds()).toEqual(fresh);
  // The metric behind the latency alert saw the load, with a real receipt-to-queryable time (not 0).
  const metricAfter = await eventually('the load in the receipt-to-queryable metric', async () => {
    const now = await receiptToQueryable();
    return now.count > metricBefore.count ? now : undefined;
  });
  expect(metricAfter.sum - metricBefore.sum).toBeGreaterThan(0);

  const quarantined = await warehouseRows(
    `SELECT reasons, json_extract_string(record, '$.sg_event_id') AS sg_event_id FROM marketing._ih_quarantine WHERE stream = 'events'`,
  );
  const quarantinedIds = quarantined.map((row) => String(row.sg_event_id)).sort();
  expect(quarantinedIds).toEqual(stale);
  for (const row of quarantined) expect(String(row.reasons)).toContain('between(age_at_receipt_seconds)');

  const [click] = await warehouseRows(
    `SELECT event, email, url, event_time, category FROM marketing.sendgrid_events WHERE event = 'click' LIMIT 1`,
  );
  expect(click).toMatchObject({ event: 'click', email: expect.stringMatching(/@example\./), url: expect.stringMatching(/^https:\/\//) });
}, 60_000);

test('a redelivery and a second delivery: the new events load, nothing twice', async () => {
  const before = await loadedIds();
  const first = generateSendgridEvents(50, { seed: 12 });
  const delivered = await sender.deliver(first);
  expect(delivered.status).toBe(200);
  expect(await sender.redeliver(delivered)).toMatchObject({ status: 200, response: { stored: 0, duplicates: 50 } });
  await eventually('the second delivery loaded', async () => ((await loadedIds()).length === before.length + 50 ? true : undefined), {
    timeoutMs: 15_000,
    intervalMs: 50,
  });
  expect(Date.now() - delivered.answeredAt.getTime()).toBeLessThan(FRESHNESS_LIMIT_MS);
  const ids = await loadedIds();
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual([...before, ...first.map((e) => e.sg_event_id)].sort());
}, 60_000);

/**
 * The drain's loads and model refreshes that completed since `from` (an index into its history), in
 * the order they completed; `settled` when no activity of it is running.
 */
async function drainActivities(from: number): Promise<{ activities: string[]; length: number; settled: boolean }> {
  const events = (await stack.client.workflow.getHandle(webhookDrainWorkflowId(connectorId)).fetchHistory()).events ?? [];
  const types = new Map(events.map((event) => [String(event.eventId), event.activityTaskScheduledEventAttributes?.activityType?.name]));
  const completed = events.flatMap((event) => event.activityTaskCompletedEventAttributes?.scheduledEventId ?? []).map(String);
  const activities = events
    .slice(from)
    .flatMap((event) => types.get(String(event.activityTaskCompletedEventAttributes?.scheduledEventId)) ?? [])
    .filter((name) => name === 'loadBatch' || name === 'refreshModels');
  const running = [...types].filter(([id, type]) => type !== undefined && !completed.includes(id));
  return { activities, length: events.length, settled: running.length === 0 };
}

test('deliveries that keep arriving load round by round; the customer models are rebuilt once the drain has caught up', async () => {
  // Counted from a drain at rest: the refresh after the previous test's loads is not this test's.
  const { length: from } = await eventually('the drain at rest', async () => {
    const seen = await drainActivities(0);
    return seen.settled ? seen : undefined;
  });
  const before = (await loadedIds()).length;
  // One after another, as a busy sender posts: a round finds the next delivery already waiting when it ends.
  const deliveries = 30;
  for (let n = 0; n < deliveries; n += 1) {
    expect((await sender.deliver(generateSendgridEvents(10, { seed: 100 + n }))).status).toBe(200);
  }
  await eventually('every delivery loaded', async () => ((await loadedIds()).length === before + deliveries * 10 ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 50,
  });
  // Caught up: the last thing the drain did was rebuild the models from everything it loaded.
  const { activities } = await eventually('the models refreshed after the last load', async () => {
    const seen = await drainActivities(from);
    return seen.activities.at(-1) === 'refreshModels' ? seen : undefined;
  });
  const loads = activities.filter((name) => name === 'loadBatch').length;
  const refreshes = activities.filter((name) => name === 'refreshModels').length;
  expect(loads).toBeGreaterThan(1);
  expect(refreshes).toBeGreaterThanOrEqual(1);
  expect(refreshes).toBeLessThan(loads);
  const [state] = await warehouseRows(`SELECT refreshed_at FROM marketing._ih_model_state WHERE model = 'customer_touchpoint'`);
  const [latest] = await warehouseRows('SELECT max(_ih_loaded_at) AS at FROM marketing.sendgrid_events');
  expect(new Date(String(state?.refreshed_at)).getTime()).toBeGreaterThanOrEqual(new Date(String(latest?.at)).getTime());
}, 60_000);
