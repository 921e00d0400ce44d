/**
 * Keyed hashes of erasure subjects: HMAC-SHA-256 under a key derived (HKDF) from a key of the secrets
 * ring, so the suppression list holds no email or customer id and cannot be reversed by guessing
 * without the key. Each hash names its key id: after a rotation the old keys still match.
 */
import type { ErasureSubject } from '../../domain/privacy';
import type { KeyRing } from '../secrets';
import { RingHmac } from '../secrets/ring-hmac';

const HKDF_SALT = 'insight-hub/suppression/v1';

/** The canonical text of a subject: emails compare case-insensitively, ids as given (trimmed). */
export function subjectText(subject: ErasureSubject): string {
  return 'email' in subject ? `email:${subject.email.trim().toLowerCase()}` : `customer_id:${subject.customerId.trim()}`;
}

export class SubjectHasher {
  private readonly hmac: RingHmac;

  constructor(private readonly ring: KeyRing) {
    this.hmac = new RingHmac(ring, HKDF_SALT);
  }

  /** The hash under the ring's active key, with that key's id: what the suppression list stores. */
  current(subject: ErasureSubject): { keyId: string; hash: string } {
    const keyId = this.ring.activeKeyId;
    return { keyId, hash: this.hashText(keyId, subjectText(subject)) };
  }

  hashText(keyId: string, text: string): string {
    return this.hmac.hex(keyId, text);
  }
}
