/**
 * Hostile input to the SendGrid webhook: it judges each event of a batch on its own — the valid ones
 * are stored, the bad ones named (where and which rule) and audited without their content; bodies that
 * are not JSON, not UTF-8 or too big are a 4xx storing nothing; the signature is checked first.
 */
import { randomUUID } from 'node:crypto';
import { generateSendgridEvents } from '../../simulators/sendgrid/events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../simulators/sendgrid/sender';
import { createSendgridSigningKey } from '../../simulators/sendgrid/signing';
import { type HttpResult, useApiHarness } from './harness';
import { expectRefusal, json, nested, send, withField, type Raw } from './hostile/requests';
import { sendgridConnector } from './hostile/sendgrid';

const api = useApiHarness();
/** A SendGrid connector with a signing key, and one that takes unsigned requests (for raw bytes). */
let signed: { id: string; sign: (timestamp: string, body: string) => string };
let unsigned: string;

beforeAll(async () => {
  const key = createSendgridSigningKey();
  signed = { id: await sendgridConnector(api, { publicKey: key.publicKey }), sign: key.sign };
  unsigned = await sendgridConnector(api, { allowUnsigned: true });
});

describe('POST /webhooks/sendgrid/:connectorId', () => {
  const inboxIds = async (connectorId: string): Promise<string[]> =>
    (await api.store.inbox.read(connectorId, '0', 10_000)).map((event) => event.eventId);

  function post(body: Raw, options: { connectorId?: string; signature?: boolean } = {}): Promise<HttpResult> {
    const connectorId = options.connectorId ?? signed.id;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> =
      options.signature === false
        ? {}
        : { [SIGNATURE_HEADER]: signed.sign(timestamp, body.bytes.toString('utf8')), [TIMESTAMP_HEADER]: timestamp };
    return send(api, 'POST', `/webhooks/sendgrid/${connectorId}`, { ...body, headers: { ...headers, ...body.headers } }, null);
  }

  let seed = 100;
  const freshEvent = (): Record<string, unknown> => {
    seed += 1;
    const [event] = generateSendgridEvents(1, { seed });
    if (!event) throw new Error('no event generated');
    return { ...event, sg_event_id: `ev-${randomUUID()}` };
  };

  /** Events with a hostile value in one field, as JSON text, and where the issue names it. */
  const BAD_EVENTS: readonly { label: string; event: () => string; path: string; rule: string }[] = [
    {
      label: 'a NUL in sg_event_id',
      event: () => withField(freshEvent(), 'sg_event_id', JSON.stringify('id\u0000x')),
      path: 'sg_event_id',
      rule: 'nul_character',
    },
    {
      label: 'a NUL in a custom argument',
      event: () => withField(freshEvent(), 'customer_tier', JSON.stringify('gold\u0000')),
      path: 'customer_tier',
      rule: 'nul_character',
    },
    {
      label: 'a NUL in a custom argument’s name',
      event: () => withField(freshEvent(), 'tier\u0000', '"gold"'),
      path: '"tier\\u0000"',
      rule: 'nul_character',
    },
    {
      label: 'a lone surrogate in the email',
      event: () => withField(freshEvent(), 'email', '"\\udc00reader@example.com"'),
      path: 'email',
      rule: 'lone_surrogate',
    },
    {
      label: 'a custom argument nested 100,000 deep',
      event: () => withField(freshEvent(), 'journey', nested(100_000)),
      path: 'journey',
      rule: 'too_deep',
    },
    {
      label: 'a missing sg_event_id',
      event: () => JSON.stringify({ ...freshEvent(), sg_event_id: undefined }),
      path: 'sg_event_id',
      rule: 'invalid_type',
    },
  ];

  test.each(BAD_EVENTS.map((bad) => [bad.label, bad] as const))(
    '%s: a batch of it alone is a 400 naming it, and the inbox is unchanged',
    async (_label, bad) => {
      const before = await inboxIds(signed.id);
      expectRefusal(await post(json(`[${bad.event()}]`)), { status: 400, path: `[0].${bad.path}`, rule: bad.rule }, bad.label);
      expect(await inboxIds(signed.id)).toEqual(before);
    },
  );

  test.each(BAD_EVENTS.map((bad) => [bad.label, bad] as const))(
    '%s amid valid events: they are stored, it is named and kept out',
    async (_label, bad) => {
      const [first, last] = [freshEvent(), freshEvent()];
      const response = await post(json(`[${JSON.stringify(first)},${bad.event()},${JSON.stringify(last)}]`));
      expectRefusal(response, { status: 400, path: `[1].${bad.path}`, rule: bad.rule }, bad.label);
      expect(response.body).toMatchObject({ received: 3, stored: 2, refused: 1 });
      const inbox = await inboxIds(signed.id);
      expect(inbox.slice(-2)).toEqual([first.sg_event_id, last.sg_event_id]);
      // SendGrid retries a non-2xx: the retry finds the valid events stored and is refused the same way.
      const retried = await post(json(`[${JSON.stringify(first)},${bad.event()},${JSON.stringify(last)}]`));
      expect(retried).toMatchObject({ status: 400, body: { stored: 0, duplicates: 2, refused: 1 } });
      expect(await inboxIds(signed.id)).toEqual(inbox);
    },
  );

  test('refused events are in the connector’s audit log with where and why, not their content', async () => {
    const activity = await api.store.audit.list(signed.id, 1_000);
    const refusals = activity.filter((entry) => entry.activityType === 'webhook.events-refused');
    expect(refusals.length).toBeGreaterThan(0);
    expect(JSON.stringify(refusals)).not.toMatch(/example\.com|gold/);
    expect(refusals[0]).toMatchObject({
      details: { issues: [expect.objectContaining({ path: expect.any(String), rule: expect.any(String) })] },
    });
  });

  test.each([
    ['text/plain', 'text/plain'],
    ['XML', 'application/xml'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['Latin-1 JSON', 'application/json; charset=iso-8859-1'],
    ['no Content-Type', undefined],
  ])('a body sent as %s is a 415 and stores nothing', async (_label, contentType) => {
    const before = await inboxIds(signed.id);
    const text = contentType === 'application/xml' ? '<events><event/></events>' : JSON.stringify([freshEvent()]);
    const bytes = Buffer.from(text);
    expectRefusal(
      await post(contentType === undefined ? { bytes } : { bytes, contentType }),
      { status: 415, path: 'Content-Type', rule: 'unsupported_media_type' },
      contentType ?? 'none',
    );
    expect(await inboxIds(signed.id)).toEqual(before);
  });

  test('bytes that are not UTF-8, text that is not JSON, and a body over 5 MB are 4xx and store nothing', async () => {
    const before = await inboxIds(unsigned);
    const latin1 = Buffer.concat([
      Buffer.from(`[${JSON.stringify(freshEvent()).slice(0, -1)},"note":"`),
      Buffer.from([0xe9, 0xff]),
      Buffer.from('"}]'),
    ]);
    expectRefusal(
      await post({ bytes: latin1, contentType: 'application/json' }, { connectorId: unsigned, signature: false }),
      { status: 400, path: '(body)', rule: 'invalid_utf8' },
      'latin1',
    );
    expectRefusal(
      await post(json('[{"email": '), { connectorId: unsigned, signature: false }),
      { status: 400, path: '(body)', rule: 'invalid_json' },
      'not json',
    );
    const huge = json(JSON.stringify([{ ...freshEvent(), padding: 'x'.repeat(5 * 1024 * 1024) }]));
    expectRefusal(await post(huge, { connectorId: unsigned, signature: false }), { status: 413, path: '(body)', rule: 'too_big' }, 'huge');
    expect(await inboxIds(unsigned)).toEqual(before);
  });

  test('a signature is still required before any of it is looked at', async () => {
    const response = await post(json(`[${BAD_EVENTS[0]?.event() ?? ''}]`), { signature: false });
    expect(response).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });
});
