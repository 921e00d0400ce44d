/**
 * Keyed hashes under a key ring: HMAC-SHA-256 (lowercase hex) under a key derived (HKDF) from one of
 * the ring's keys, the derivation told apart by `salt` so that each use's hashes are its own. Each
 * key is derived once.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import type { KeyRing } from './key-ring';

export class RingHmac {
  private readonly derived = new Map<string, Buffer>();

  constructor(
    readonly ring: KeyRing,
    private readonly salt: string,
  ) {}

  hex(keyId: string, text: string): string {
    return createHmac('sha256', this.keyFor(keyId)).update(text, 'utf8').digest('hex');
  }

  private keyFor(keyId: string): Buffer {
    let key = this.derived.get(keyId);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.ring.keyFor(keyId), this.salt, keyId, 32));
      this.derived.set(keyId, key);
    }
    return key;
  }
}
