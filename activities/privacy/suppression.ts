/**
 * The suppression list as the load path uses it: a row whose email or customer id hashes to a listed
 * subject is dropped before it is merged. Hashing happens here, in the worker; the list is small.
 */
import { subjectValues } from '../../domain/privacy';
import type { Row } from '../sources/types';
import { SubjectHasher, subjectText } from './subject-hash';
import type { KeyRing } from '../secrets';

export interface SuppressedHash {
  keyId: string;
  hash: string;
}

export class SuppressionList {
  private readonly hashes: ReadonlySet<string>;
  private readonly keyIds: readonly string[];
  private readonly hasher: SubjectHasher;

  constructor(ring: KeyRing, entries: readonly SuppressedHash[]) {
    this.hasher = new SubjectHasher(ring);
    this.hashes = new Set(entries.map(({ keyId, hash }) => `${keyId}:${hash}`));
    // A hash under a key the ring no longer holds can match nothing: skip it rather than fail every load.
    const held = new Set(ring.keyIds);
    this.keyIds = [...new Set(entries.map((entry) => entry.keyId))].filter((id) => held.has(id));
  }

  get size(): number {
    return this.hashes.size;
  }

  /** True when the row's email or customer id (as loaded) belongs to a suppressed subject. */
  matches(row: Row): boolean {
    if (this.hashes.size === 0) return false;
    const { emails, customerIds } = subjectValues(row);
    const texts = [...emails.map((email) => subjectText({ email })), ...customerIds.map((customerId) => subjectText({ customerId }))];
    return texts.some((text) => this.keyIds.some((keyId) => this.hashes.has(`${keyId}:${this.hasher.hashText(keyId, text)}`)));
  }
}
