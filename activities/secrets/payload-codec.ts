/**
 * Temporal payloads encrypted at rest and on the wire: every payload a client or worker sends is
 * AES-256-GCM encrypted by the active key of the payload key ring, the key id travelling in the
 * payload's metadata, so the server's history holds no record, email or secret in plain text.
 * Any key of the ring decrypts: a rotated ring (new key first, old ones kept) still reads old history.
 * The same ring encrypts staged batch files (activities/staging).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { ConnectorError } from '../errors';
import type { KeyRing } from './key-ring';
import { loadKeyRingFrom, type KeyRingKind, type KeyRingLog } from './load-key-ring';

export const PAYLOAD_KEYS_VARIABLE = 'INSIGHT_HUB_PAYLOAD_KEYS';
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

const additionalData = (keyId: string) => Buffer.from(`insight-hub/payload/v1/${keyId}`, 'utf8');

/** The ring's key for an id, refused with the variable to fix when the ring lacks it. */
export function payloadKey(ring: KeyRing, keyId: string) {
  if (!ring.keyIds.includes(keyId)) {
    throw new ConnectorError(
      'config',
      `data was encrypted with payload key "${keyId}", which is not in this process's key ring`,
      `set ${PAYLOAD_KEYS_VARIABLE} to a ring that still includes that key ("<active id>:<base64 key>,${keyId}:<its base64 key>")`,
    );
  }
  return ring.keyFor(keyId);
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly ring: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.ring.activeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.ring.keyFor(keyId), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(keyId));
    const ciphertext = Buffer.concat([cipher.update(serialize(payload)), cipher.final()]);
    return {
      metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(keyId) },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!keyIdBytes) throw new ConnectorError('config', `an encrypted payload has no "${KEY_ID_METADATA}" metadata`);
    const keyId = fromUtf8.decode(keyIdBytes);
    const sealed = Buffer.from(payload.data ?? new Uint8Array());
    if (sealed.length < IV_BYTES + TAG_BYTES) {
      throw new ConnectorError('config', `an encrypted payload (key "${keyId}") is shorter than its IV and tag`);
    }
    const decipher = createDecipheriv(ALGORITHM, payloadKey(this.ring, keyId), sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(keyId));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return deserialize(Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]));
    } catch {
      throw new ConnectorError(
        'config',
        `an encrypted payload (key "${keyId}") failed its integrity check: it was altered, or the key is not the one that encrypted it`,
      );
    }
  }
}

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && fromUtf8.decode(encoding) === ENCRYPTED_ENCODING;
}

/** What every client and worker of a namespace must share: the encrypting codec over the ring. */
export function payloadDataConverter(ring: KeyRing): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(ring)] };
}

/**
 * The whole payload, metadata included (it names the inner encoding), as bytes:
 * u32 entry count, then per entry u32 length + key, u32 length + value; the rest is the data.
 */
function serialize(payload: Payload): Buffer {
  const entries = Object.entries(payload.metadata ?? {});
  const parts: Buffer[] = [u32(entries.length)];
  for (const [key, value] of entries) {
    const keyBytes = Buffer.from(key, 'utf8');
    parts.push(u32(keyBytes.length), keyBytes, u32(value.length), Buffer.from(value));
  }
  parts.push(Buffer.from(payload.data ?? new Uint8Array()));
  return Buffer.concat(parts);
}

function deserialize(bytes: Buffer): Payload {
  let offset = 0;
  const take = (length: number): Buffer => {
    if (offset + length > bytes.length) throw new Error('truncated payload');
    const part = bytes.subarray(offset, offset + length);
    offset += length;
    return part;
  };
  const count = take(4).readUInt32BE();
  const metadata: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    const key = take(take(4).readUInt32BE()).toString('utf8');
    metadata[key] = new Uint8Array(take(take(4).readUInt32BE()));
  }
  return { metadata, data: new Uint8Array(bytes.subarray(offset)) };
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

export interface PayloadKeySettings {
  payloadKeys: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
}

/**
 * INSIGHT_HUB_PAYLOAD_KEYS when set; otherwise, for the embedded demo only, a key file generated once
 * under <DATA_DIR>/keys. Workers and clients of one namespace must hold the same keys, which a file
 * on one machine cannot promise a multi-process deployment (DATABASE_URL), so there it is required.
 */
const PAYLOAD_KEYS: KeyRingKind = { variable: PAYLOAD_KEYS_VARIABLE, protects: 'Temporal payloads and staged files', exampleId: 'p1' };

export function loadPayloadKeyRing({ payloadKeys, databaseUrl, dataDir }: PayloadKeySettings, log: KeyRingLog): Promise<KeyRing> {
  // key-file.ts names its file keys/secrets.json under the folder it is given: a folder of its own
  // keeps the payload keys apart from the credential keys.
  return loadKeyRingFrom(PAYLOAD_KEYS, { value: payloadKeys, databaseUrl, keyFolder: path.join(dataDir, 'keys', 'payloads') }, log);
}
