/**
 * Webhook to warehouse, end to end: the simulator posts signed events to the real API, the real
 * workers drain the inbox through the quality gate into DuckDB. Events must be queryable within
 * 5 s of the 2xx; stale ones sit in the warehouse quarantine, none lost; a redelivery changes nothing.
 */
import { webhookEventToQueryable } from '../../activities/observability/metrics';
import { createConnectorSchema, type DestinationConfig } from '../../domain/connector';
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
