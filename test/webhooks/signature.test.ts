/**
 * The signed Event Webhook check: SendGrid's own test vector, a key generated like SendGrid's, and
 * every way a request can fail — tampered body, other key, missing headers, replay.
 */
import { verifySendgridSignature } from '../../activities/sources/sendgrid/signature';
import { createSendgridSigningKey } from '../../simulators/sendgrid/signing';
import { SINGLE } from './sendgrid-vectors';

/** A request SendGrid really signed. */
const VECTOR = SINGLE;
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
