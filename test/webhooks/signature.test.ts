/**
 * The signed Event Webhook check: SendGrid's own test vector, a key generated like SendGrid's, and
 * every way a request can fail — tampered body, other key, missing headers, replay.
 */
import { verifySendgridSignature } from '../../activities/sources/sendgrid/signature';
import { createSendgridSigningKey } from '../../simulators/sendgrid/signing';

/** From sendgrid-nodejs packages/eventwebhook/src/eventwebhook.spec.js: a request SendGrid really signed. */
const VECTOR = {
  publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==',
  signature: 'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=',
  timestamp: '1600112502',
  body:
    JSON.stringify([
      {
        email: 'hello@world.com',
        event: 'dropped',
        reason: 'Bounced Address',
        sg_event_id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
        sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
        'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>',
        timestamp: 1600112492,
      },
    ]) + '\r\n',
};
const vectorTime = new Date(Number(VECTOR.timestamp) * 1000 + 30_000);

function signedNow(body: string, at = new Date()) {
  const key = createSendgridSigningKey();
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return { key, request: { signature: key.sign(timestamp, body), timestamp, rawBody: Buffer.from(body) } };
}

test("SendGrid's own signed request verifies, as bare base64 and as PEM", () => {
  const request = { signature: VECTOR.signature, timestamp: VECTOR.timestamp, rawBody: Buffer.from(VECTOR.body) };
  expect(verifySendgridSignature(VECTOR.publicKey, request, vectorTime)).toEqual({ valid: true });
  const pem = `-----BEGIN PUBLIC KEY-----\n${VECTOR.publicKey.slice(0, 64)}\n${VECTOR.publicKey.slice(64)}\n-----END PUBLIC KEY-----\n`;
  expect(verifySendgridSignature(pem, request, vectorTime)).toEqual({ valid: true });
});

test('the raw body must be the one signed: re-serialised JSON or one changed byte fails', () => {
  const reserialised = JSON.stringify(JSON.parse(VECTOR.body));
  const request = { signature: VECTOR.signature, timestamp: VECTOR.timestamp, rawBody: Buffer.from(reserialised) };
  expect(verifySendgridSignature(VECTOR.publicKey, request, vectorTime)).toMatchObject({
    valid: false,
    reason: expect.stringMatching(/does not match/),
  });

  const { key, request: signed } = signedNow('[{"event":"open"}]');
  expect(verifySendgridSignature(key.publicKey, signed)).toEqual({ valid: true });
  expect(verifySendgridSignature(key.publicKey, { ...signed, rawBody: Buffer.from('[{"event":"click"}]') })).toMatchObject({
    valid: false,
  });
});

test("another key's signature, a garbled signature and a wrong timestamp header fail", () => {
  const { request } = signedNow('[]');
  const other = createSendgridSigningKey();
  expect(verifySendgridSignature(other.publicKey, request)).toMatchObject({ valid: false });
  const { key, request: signed } = signedNow('[]');
  expect(verifySendgridSignature(key.publicKey, { ...signed, signature: 'not-a-signature' })).toMatchObject({ valid: false });
  expect(verifySendgridSignature(key.publicKey, { ...signed, timestamp: String(Number(signed.timestamp) - 1) })).toMatchObject({
    valid: false,
  });
});

test('an unsigned request and a replay older than ten minutes are refused, saying why', () => {
  const { key, request } = signedNow('[]', new Date(Date.now() - 11 * 60_000));
  expect(verifySendgridSignature(key.publicKey, request)).toMatchObject({
    valid: false,
    reason: expect.stringMatching(/not within 10 minutes/),
  });
  expect(verifySendgridSignature(key.publicKey, { ...request, signature: undefined })).toMatchObject({
    valid: false,
    reason: expect.stringMatching(/not signed/),
  });
  const fresh = signedNow('[]', new Date(Date.now() - 9 * 60_000));
  expect(verifySendgridSignature(fresh.key.publicKey, fresh.request)).toEqual({ valid: true });
});
