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

/** One round of the drain, from its history: whether it loaded, whether a delivery arrived while it ran, whether the models were rebuilt after it. */
interface DrainRound {
  loaded: boolean;
  deliveryWhileRunning: boolean;
  refreshed: boolean;
}

/**
 * The drain's rounds since `from` (an index into its history; a round starts where its plan is
 * scheduled), the history's length, and `settled` when no activity of the drain is running.
 */
async function drainRounds(from: number): Promise<{ rounds: DrainRound[]; length: number; settled: boolean }> {
  const events = (await stack.client.workflow.getHandle(webhookDrainWorkflowId(connectorId)).fetchHistory()).events ?? [];
  const types = new Map(events.map((event) => [String(event.eventId), event.activityTaskScheduledEventAttributes?.activityType?.name]));
  const completed = new Set(events.flatMap((event) => event.activityTaskCompletedEventAttributes?.scheduledEventId ?? []).map(String));
  const rounds: DrainRound[] = [];
  for (const event of events.slice(from)) {
    const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
    const round = rounds.at(-1);
    if (scheduled === 'planCycle') rounds.push({ loaded: false, deliveryWhileRunning: false, refreshed: false });
    else if (scheduled === 'loadBatch' && round) round.loaded = true;
    else if (scheduled === 'refreshModels' && round) round.refreshed = true;
    // A delivery's wake-up while the round ran, before any refresh after it: the drain saw it pending.
    else if (event.workflowExecutionSignaledEventAttributes && round && !round.refreshed) round.deliveryWhileRunning = true;
  }
  const running = [...types].filter(([id, type]) => type !== undefined && !completed.has(id));
  return { rounds, length: events.length, settled: running.length === 0 };
}

test('deliveries that keep arriving load round by round; the customer models are rebuilt once the drain has caught up', async () => {
  // Counted from a drain at rest: the refresh after the previous test's loads is not this test's.
  const { length: from } = await eventually('the drain at rest', async () => {
    const seen = await drainRounds(0);
    return seen.settled ? seen : undefined;
  });
  const before = (await loadedIds()).length;
  // One after another, as a busy sender posts: a round often finds the next delivery already waiting when it ends.
  const deliveries = 30;
  for (let n = 0; n < deliveries; n += 1) {
    expect((await sender.deliver(generateSendgridEvents(10, { seed: 100 + n }))).status).toBe(200);
  }
  await eventually('every delivery loaded', async () => ((await loadedIds()).length === before + deliveries * 10 ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 50,
  });
  // Caught up: the drain's last round rebuilt the models from everything loaded.
  const { rounds } = await eventually('the models refreshed after the last round', async () => {
    const seen = await drainRounds(from);
    return seen.settled && seen.rounds.at(-1)?.refreshed ? seen : undefined;
  });
  expect(rounds.filter((round) => round.loaded).length).toBeGreaterThan(1);
  // A round that ended with a delivery waiting went on to the next without a refresh; one that ended
  // caught up, after loads the models do not reflect yet, refreshed them.
  let stale = false;
  for (const round of rounds) {
    stale ||= round.loaded;
    expect(round).toEqual({ ...round, refreshed: stale && !round.deliveryWhileRunning });
    if (round.refreshed) stale = false;
  }
  const [state] = await warehouseRows(`SELECT refreshed_at FROM marketing._ih_model_state WHERE model = 'customer_touchpoint'`);
  const [latest] = await warehouseRows('SELECT max(_ih_loaded_at) AS at FROM marketing.sendgrid_events');
  expect(new Date(String(state?.refreshed_at)).getTime()).toBeGreaterThanOrEqual(new Date(String(latest?.at)).getTime());
}, 60_000);
