/**
 * Webhook to warehouse, end to end: the simulator posts signed events to the real API, the real
 * workers drain the inbox through the quality gate into DuckDB. Events must be queryable within
 * 5 s of the 2xx; stale ones sit in the warehouse quarantine, none lost; a redelivery changes nothing.
 */
import { createConnectorSchema, type DestinationConfig } from '../../domain/connector';
import {
  eventsArrivedSignal,
  WEBHOOK_DRAIN_WORKFLOW,
  webhookDrainWorkflowId,
  type WebhookDrainInput,
  type WebhookDrainWorkflow,
} from '../../domain/webhook-drain';
import { generateSendgridEvents } from '../../simulators/sendgrid/events';
import { createSendgridSender, type SendgridSender } from '../../simulators/sendgrid/sender';
import { createSendgridSigningKey } from '../../simulators/sendgrid/signing';
import { eventually } from '../support/eventually';
import { onTeardown } from '../support/fixture';
import { useStack } from '../support/stack';

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
  // The drain runs until it is ended: at teardown, while the client and the workers still run.
  onTeardown(() =>
    stack.client.workflow
      .getHandle(webhookDrainWorkflowId(connectorId))
      .terminate('test over')
      .catch(() => undefined),
  );
  await warmUp(stack.taskQueue);
});

/**
 * A deployed worker has long loaded its workflow bundle; a fresh one spends about 2 s on its first
 * workflow task. The drain is woken once with an empty inbox first, so the measurement is the
 * product's, not the test worker's cold start.
 */
async function warmUp(taskQueue: string): Promise<void> {
  const input: WebhookDrainInput = { connectorId, pending: false };
  const handle = await stack.client.workflow.signalWithStart<WebhookDrainWorkflow, []>(WEBHOOK_DRAIN_WORKFLOW, {
    workflowId: webhookDrainWorkflowId(connectorId),
    taskQueue,
    args: [input],
    signal: eventsArrivedSignal,
    signalArgs: [],
  });
  await eventually(
    'the idle drain took its first task',
    async () => ((await handle.fetchHistory()).events?.some((e) => e.workflowTaskCompletedEventAttributes) ? true : undefined),
    { timeoutMs: 30_000 },
  );
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

  const delivery = await sender.deliver(events);
  expect(delivery).toMatchObject({ status: 200, response: { stored: 400, quarantined: stale.length } });
  await eventually('the fresh events in sendgrid_events', async () => ((await loadedIds()).length === fresh.length ? true : undefined), {
    timeoutMs: 15_000,
    intervalMs: 50,
  });
  const latencyMs = Date.now() - delivery.answeredAt.getTime();
  expect(latencyMs).toBeLessThan(FRESHNESS_LIMIT_MS);
  expect(await loadedIds()).toEqual(fresh);

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
