/**
 * The SendGrid sender simulator: what it signs verifies with SendGrid's own library, and its events
 * look like SendGrid's — the documented types with their fields, whole messages in time order, and
 * stale events when asked for.
 */
import { EventWebhook } from '@sendgrid/eventwebhook';
import { createServer } from 'node:http';
import { sendgridEventArraySchema } from '../../activities/sources/sendgrid/events';
import { generateSendgridEvents, withoutField } from '../../simulators/sendgrid/events';
import { createSendgridSender, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../simulators/sendgrid/sender';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

async function receiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`expected a TCP address, got ${String(address)}`);
  const { port } = address;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const header = (r: Received, name: string): string => String(r.headers[name.toLowerCase()]);

test("what the sender signs verifies with SendGrid's library; a redelivery is the same body, signed anew", async () => {
  const hook = await receiver();
  try {
    const sender = createSendgridSender(hook.url);
    const first = await sender.deliver(generateSendgridEvents(20));
    await sender.redeliver(first);
    const sdk = new EventWebhook();
    const key = sdk.convertPublicKeyToECDSA(sender.publicKey);
    expect(hook.received).toHaveLength(2);
    for (const request of hook.received) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(sdk.verifySignature(key, request.body, header(request, SIGNATURE_HEADER), header(request, TIMESTAMP_HEADER))).toBe(true);
    }
    expect(hook.received[1]?.body).toBe(hook.received[0]?.body);
    expect(first).toMatchObject({ status: 200, response: { ok: true } });
  } finally {
    await hook.close();
  }
});

test('an unsigned delivery carries no signature headers; a tampered one does not verify', async () => {
  const hook = await receiver();
  try {
    const sender = createSendgridSender(hook.url);
    await sender.deliver(generateSendgridEvents(3), { signed: false });
    await sender.deliver(generateSendgridEvents(3), { tamper: true });
    const [unsigned, tampered] = hook.received;
    if (!unsigned || !tampered) throw new Error(`expected two deliveries, got ${hook.received.length}`);
    expect(unsigned.headers[SIGNATURE_HEADER.toLowerCase()]).toBeUndefined();
    const sdk = new EventWebhook();
    const valid = sdk.verifySignature(
      sdk.convertPublicKeyToECDSA(sender.publicKey),
      tampered.body,
      header(tampered, SIGNATURE_HEADER),
      header(tampered, TIMESTAMP_HEADER),
    );
    expect(valid).toBe(false);
  } finally {
    await hook.close();
  }
});

test('the event mix is SendGrid-shaped: documented types, their fields, time order per message, fresh unless told', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const events = generateSendgridEvents(2_000, { now, seed: 3 });
  expect(sendgridEventArraySchema.safeParse(events).success).toBe(true);
  const types = new Set(events.map((e) => e.event));
  for (const type of ['processed', 'delivered', 'open', 'click', 'bounce', 'dropped', 'deferred']) expect(types).toContain(type);
  expect(new Set(events.map((e) => e.sg_event_id)).size).toBe(events.length);
  for (const click of events.filter((e) => e.event === 'click')) expect(click.url).toMatch(/^https:\/\//);
  for (const bounce of events.filter((e) => e.event === 'bounce'))
    expect(bounce).toMatchObject({
      type: expect.stringMatching(/^(bounce|blocked)$/),
      status: expect.any(String),
      reason: expect.any(String),
    });
  const nowSeconds = now.getTime() / 1000;
  expect(events.every((e) => e.timestamp <= nowSeconds && e.timestamp > nowSeconds - 2 * 3600)).toBe(true);

  const stale = generateSendgridEvents(1_000, { now, seed: 3, staleShare: 0.2 }).filter((e) => e.timestamp < nowSeconds - 24 * 3600);
  expect(stale.length).toBeGreaterThan(100);
  expect(stale.length).toBeLessThan(300);
});

test('a malformed copy misses exactly the named field of the named event', () => {
  const events = generateSendgridEvents(5);
  const broken = withoutField(events, 2, 'sg_event_id');
  expect(broken[2]).not.toHaveProperty('sg_event_id');
  expect(broken.filter((e) => 'sg_event_id' in e)).toHaveLength(4);
  expect(sendgridEventArraySchema.safeParse(broken).success).toBe(false);
});
