/**
 * Temporal payloads as the server stores them: encrypted under the active payload key, readable by
 * any key of the ring (so rotating keeps old history readable), refused when altered.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { type KeyRing, parseKeyRing } from '../../activities/secrets';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  loadPayloadKeyRing,
  PAYLOAD_KEYS_VARIABLE,
} from '../../activities/secrets/payload-codec';
import { keyEntry } from '../secrets/fixtures';
import { useTempDir } from '../support/temp-dir';

const record = { id: '003A000001', email: 'ada.lovelace@example.com', last_name: 'Lovelace', score: 42 };
const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload): unknown => defaultPayloadConverter.fromPayload(payload);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const ring = (...entries: string[]) => parseKeyRing(entries.join(','), PAYLOAD_KEYS_VARIABLE);
const silentLog = { info: () => undefined, warn: () => undefined };

describe('the payload codec', () => {
  const k1 = keyEntry('k1');
  const k2 = keyEntry('k2');

  test('an encoded payload names its key and holds none of the value; decoding gives the value back', async () => {
    const codec = new AesGcmPayloadCodec(ring(k1));
    const [encoded] = await codec.encode([toPayload(record)]);
    if (!encoded) throw new Error('no payload encoded');
    expect(text(encoded.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded.metadata?.[KEY_ID_METADATA])).toBe('k1');
    const stored = text(encoded.data) + JSON.stringify(encoded.metadata);
    for (const value of [record.email, record.last_name, record.id, 'json/plain']) expect(stored).not.toContain(value);

    const [decoded] = await codec.decode([encoded]);
    if (!decoded) throw new Error('no payload decoded');
    expect(fromPayload(decoded)).toEqual(record);
  });

  test('two encodings of the same value differ (a fresh IV each time)', async () => {
    const codec = new AesGcmPayloadCodec(ring(k1));
    const [a, b] = await codec.encode([toPayload(record), toPayload(record)]);
    expect(Buffer.from(a?.data ?? []).equals(Buffer.from(b?.data ?? []))).toBe(false);
  });

  test('after rotation the new key encodes and a payload under the rotated-out key still decodes', async () => {
    const [old] = await new AesGcmPayloadCodec(ring(k1)).encode([toPayload(record)]);
    const rotated = new AesGcmPayloadCodec(ring(k2, k1));
    const [fresh] = await rotated.encode([toPayload(record)]);
    expect(text(fresh?.metadata?.[KEY_ID_METADATA])).toBe('k2');
    const decoded = await rotated.decode([old ?? {}, fresh ?? {}]);
    expect(decoded.map(fromPayload)).toEqual([record, record]);
  });

  test('a ring that dropped the key refuses, naming the key and the variable to fix', async () => {
    const [old] = await new AesGcmPayloadCodec(ring(k1)).encode([toPayload(record)]);
    await expect(new AesGcmPayloadCodec(ring(k2)).decode([old ?? {}])).rejects.toThrow(/"k1".*INSIGHT_HUB_PAYLOAD_KEYS/s);
  });

  test('tampered ciphertext, or a swapped key id, is refused', async () => {
    const codec = new AesGcmPayloadCodec(ring(k1, k2));
    const [encoded] = await codec.encode([toPayload(record)]);
    if (!encoded?.data) throw new Error('no payload encoded');
    const flipped = Buffer.from(encoded.data);
    flipped[20] = (flipped[20] ?? 0) ^ 0x01;
    await expect(codec.decode([{ ...encoded, data: flipped }])).rejects.toThrow(/integrity check/);
    const relabelled = { ...encoded, metadata: { ...encoded.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/integrity check/);
  });

  test('payloads that were never encrypted pass through decode unchanged', async () => {
    const plain = toPayload(record);
    const [decoded] = await new AesGcmPayloadCodec(ring(k1)).decode([plain]);
    expect(decoded).toBe(plain);
  });
});

describe('loading the payload key ring', () => {
  const folder = useTempDir('payload-keys-', { each: true });

  test('INSIGHT_HUB_PAYLOAD_KEYS wins: its first key is the active one', async () => {
    const loaded = await loadPayloadKeyRing(
      { payloadKeys: [keyEntry('p2'), keyEntry('p1')].join(','), dataDir: folder.path, databaseUrl: 'postgresql://db/x' },
      silentLog,
    );
    expect(loaded.activeKeyId).toBe('p2');
    expect(loaded.keyIds).toEqual(['p2', 'p1']);
  });

  test('with DATABASE_URL and no variable, start-up fails naming the variable', async () => {
    await expect(
      loadPayloadKeyRing({ payloadKeys: undefined, dataDir: folder.path, databaseUrl: 'postgresql://db/x' }, silentLog),
    ).rejects.toThrow(/INSIGHT_HUB_PAYLOAD_KEYS is required with DATABASE_URL/);
  });

  test('the embedded demo generates one owner-only key file under DATA_DIR/keys and keeps using it', async () => {
    const first: KeyRing = await loadPayloadKeyRing({ payloadKeys: undefined, dataDir: folder.path, databaseUrl: undefined }, silentLog);
    const again = await loadPayloadKeyRing({ payloadKeys: undefined, dataDir: folder.path, databaseUrl: undefined }, silentLog);
    expect(again.activeKeyId).toBe(first.activeKeyId);
    const [encoded] = await new AesGcmPayloadCodec(first).encode([toPayload(record)]);
    const [decoded] = await new AesGcmPayloadCodec(again).decode([encoded ?? {}]);
    expect(fromPayload(decoded ?? {})).toEqual(record);
    const file = path.join(folder.path, 'keys', 'payloads', 'keys', 'secrets.json');
    expect((await stat(file)).mode & 0o077).toBe(0);
  });
});
