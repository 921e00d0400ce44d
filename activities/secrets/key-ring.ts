/**
 * The keys that encrypt connector credentials: the active one encrypts, every one decrypts, so a
 * rotated ring (new key first, old ones kept) still reads what the old keys wrote.
 */
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { ConnectorError } from '../errors';
import { MissingSecretKeyError } from './errors';

/** AES-256: 32 bytes, 44 characters of base64. */
export const KEY_BYTES = 32;
export const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;

export interface KeyMaterial {
  id: string;
  /** Standard base64 of KEY_BYTES random bytes. */
  key: string;
}

export class KeyRing {
  private constructor(
    readonly activeKeyId: string,
    // KeyObjects, not Buffers: printing or logging the ring never shows key bytes.
    private readonly keys: ReadonlyMap<string, KeyObject>,
  ) {}

  /** The first key is the active one. `source` names where the keys came from, for errors. */
  static of(keys: readonly KeyMaterial[], source: string): KeyRing {
    const [active] = keys;
    if (!active) throw new ConnectorError('config', `${source} holds no key`);
    const byId = new Map<string, KeyObject>();
    keys.forEach(({ id, key }, index) => {
      const where = `${source}, key ${index + 1}`;
      if (!KEY_ID_PATTERN.test(id)) {
        throw new ConnectorError('config', `${where}: the id must be 1 to 64 letters, digits, dots, dashes or underscores`);
      }
      if (!BASE64_KEY.test(key)) {
        throw new ConnectorError('config', `${where} ("${id}"): the key must be ${KEY_BYTES} bytes in standard base64 (44 characters)`);
      }
      if (byId.has(id)) throw new ConnectorError('config', `${where}: the id "${id}" is used twice`);
      byId.set(id, createSecretKey(Buffer.from(key, 'base64')));
    });
    return new KeyRing(active.id, byId);
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  keyFor(id: string): KeyObject {
    const key = this.keys.get(id);
    if (!key) throw new MissingSecretKeyError(id);
    return key;
  }
}

export function newKeyMaterial(id: string): KeyMaterial {
  return { id, key: randomBytes(KEY_BYTES).toString('base64') };
}

/** `id1:base64key,id2:base64key`, the first active: the INSIGHT_HUB_SECRET_KEYS format. */
export function parseKeyRing(spec: string, source: string): KeyRing {
  const entries = spec.split(',').map((entry) => entry.trim());
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new ConnectorError('config', `${source}, key ${index + 1}: must look like <id>:<base64 key>`);
    return { id: entry.slice(0, colon), key: entry.slice(colon + 1) };
  });
  return KeyRing.of(keys, source);
}

/** A key that lives as long as the process: for in-memory stores, whose data dies with it too. */
export function ephemeralKeyRing(): KeyRing {
  return KeyRing.of([newKeyMaterial(`ephemeral-${randomBytes(4).toString('hex')}`)], 'the ephemeral key ring');
}
