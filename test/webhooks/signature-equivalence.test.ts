/**
 * The webhook verifies SendGrid's signatures with node:crypto; SendGrid's own library
 * (@sendgrid/eventwebhook, pure-JS ECDSA) is the reference it must agree with: on the library's own
 * test vectors, and on random signed batches — as signed, with the body or the timestamp changed,
 * under another key, with the signature's malleable twin (s → n − s) and with a garbled signature.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import fc from 'fast-check';
import { verifyEcdsaSignature } from '../../activities/sources/sendgrid/signature';
import { MULTIPLE, OTHER_KEY, OTHER_SIGNATURE, SINGLE } from './sendgrid-vectors';

const library = new EventWebhook();

/** SendGrid's answer; the library throws on a signature that is not DER, which is a refusal too. */
function libraryVerdict(publicKey: string, timestamp: string, body: string, signature: string): boolean {
  try {
    return library.verifySignature(library.convertPublicKeyToECDSA(publicKey), body, signature, timestamp);
  } catch {
    return false;
  }
}

const ours = (publicKey: string, timestamp: string, body: string, signature: string): boolean =>
  verifyEcdsaSignature(publicKey, timestamp, Buffer.from(body, 'utf8'), signature);

test("SendGrid's test vectors: both verifiers accept its signed requests and refuse the library's bad cases", () => {
  const cases: [string, [publicKey: string, timestamp: string, body: string, signature: string], boolean][] = [
    ['a single event', [SINGLE.publicKey, SINGLE.timestamp, SINGLE.body, SINGLE.signature], true],
    ['several events', [MULTIPLE.publicKey, MULTIPLE.timestamp, MULTIPLE.body, MULTIPLE.signature], true],
    ['another key', [OTHER_KEY, SINGLE.timestamp, SINGLE.body, SINGLE.signature], false],
    ['another payload', [SINGLE.publicKey, SINGLE.timestamp, 'payload', SINGLE.signature], false],
    ['another signature', [SINGLE.publicKey, SINGLE.timestamp, SINGLE.body, OTHER_SIGNATURE], false],
    ['another timestamp', [SINGLE.publicKey, 'timestamp', SINGLE.body, SINGLE.signature], false],
    ['the body without its trailing CRLF', [SINGLE.publicKey, SINGLE.timestamp, SINGLE.body.trimEnd(), SINGLE.signature], false],
  ];
  for (const [name, args, expected] of cases) {
    expect({ name, library: libraryVerdict(...args), ours: ours(...args) }).toEqual({ name, library: expected, ours: expected });
  }
});

interface SigningKey {
  publicKey: string;
  privateKey: KeyObject;
}

/** Keys as SendGrid shows them (base64 DER SPKI); a few, since generating one is the slow part. */
const keys: SigningKey[] = Array.from({ length: 4 }, () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), privateKey: pair.privateKey };
});

const signWith = (key: SigningKey, timestamp: string, body: string): string =>
  sign('sha256', Buffer.from(timestamp + body, 'utf8'), { key: key.privateKey, dsaEncoding: 'der' }).toString('base64');

/** P-256's group order: s and n − s verify alike, so a verifier that accepts one must accept the other. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** The same signature with s replaced by n − s, DER-encoded again. */
function malleableTwin(signature: string): string {
  const der = Buffer.from(signature, 'base64');
  const rLength = der[3] ?? 0;
  const r = der.subarray(4, 4 + rLength);
  const s = BigInt(`0x${der.subarray(6 + rLength).toString('hex')}`);
  const twin = derInteger(P256_ORDER - s);
  const body = Buffer.concat([Buffer.from([0x02, r.length]), r, Buffer.from([0x02, twin.length]), twin]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]).toString('base64');
}

function derInteger(value: bigint): Buffer {
  const hex = value.toString(16);
  const bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  // A leading bit of 1 would read as negative: DER prefixes a zero byte.
  return (bytes[0] ?? 0) >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

const sendgridEvent = fc.record({
  email: fc.emailAddress(),
  event: fc.constantFrom('processed', 'delivered', 'open', 'click', 'bounce', 'dropped', 'spamreport'),
  sg_event_id: fc.string({ minLength: 1, maxLength: 40 }),
  timestamp: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
  // Free text in any script: custom arguments, bounce reasons, user agents.
  reason: fc.string({ unit: 'grapheme', maxLength: 60 }),
});

/** A batch as SendGrid sends it: a JSON array, maybe with CRLF between events and after the last. */
const batchBody = fc
  .tuple(fc.array(sendgridEvent, { minLength: 1, maxLength: 12 }), fc.boolean())
  .map(([events, crlf]) => (crlf ? JSON.stringify(events).split('},{').join('},\r\n{') + '\r\n' : JSON.stringify(events)));

const signedBatch = fc.record({
  key: fc.integer({ min: 0, max: keys.length - 1 }),
  timestamp: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }).map(String),
  body: batchBody,
});

type Variant = 'as signed' | 'body changed' | 'timestamp changed' | 'another key' | 'malleable twin' | 'garbled signature';
const variants: Variant[] = ['as signed', 'body changed', 'timestamp changed', 'another key', 'malleable twin', 'garbled signature'];

test('on random signed batches, node:crypto and SendGrid’s library give the same verdict, and the right one', () => {
  fc.assert(
    fc.property(signedBatch, fc.constantFrom(...variants), fc.uint8Array({ minLength: 70, maxLength: 72 }), (batch, variant, noise) => {
      const key = keys[batch.key] ?? keys[0];
      const other = keys[(batch.key + 1) % keys.length] ?? keys[0];
      if (!key || !other) throw new Error('no signing keys');
      const signature = signWith(key, batch.timestamp, batch.body);
      const request: Record<Variant, [string, string, string, string]> = {
        'as signed': [key.publicKey, batch.timestamp, batch.body, signature],
        'body changed': [key.publicKey, batch.timestamp, batch.body.replace(/"event":"/, '"event":"x'), signature],
        'timestamp changed': [key.publicKey, String(Number(batch.timestamp) + 1), batch.body, signature],
        'another key': [other.publicKey, batch.timestamp, batch.body, signature],
        'malleable twin': [key.publicKey, batch.timestamp, batch.body, malleableTwin(signature)],
        'garbled signature': [key.publicKey, batch.timestamp, batch.body, Buffer.from(noise).toString('base64')],
      };
      const args = request[variant];
      const expected = variant === 'as signed' || variant === 'malleable twin';
      expect({ variant, library: libraryVerdict(...args), ours: ours(...args) }).toEqual({ variant, library: expected, ours: expected });
    }),
    { numRuns: 150 },
  );
});
