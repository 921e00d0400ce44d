/**
 * Personal columns hashed or dropped as a page is read, before its rows are staged
 * (domain/personal-columns.ts). A hash is HMAC-SHA-256 under a key derived (HKDF) from the active key
 * of the worker's secrets ring: the same value gives the same hash in every connector and on every
 * worker given the same ring, so hashed columns still join; without the key a hash cannot be
 * reversed by guessing. Rotating the ring's active key changes the hashes of rows read after it.
 */
import { z } from 'zod';
import { personalActionsFor, type PersonalColumns } from '../../domain/personal-columns';
import { SUBJECT_COLUMNS, type ErasureSubject } from '../../domain/privacy';
import type { KeyRing } from '../secrets';
import { RingHmac } from '../secrets/ring-hmac';
import { UNCONVERTIBLE, type Row } from '../sources/types';

const HKDF_SALT = 'insight-hub/personal-columns/v1';

/** A value a hashed column holds, and the id of the ring's key it was hashed under. */
export interface ColumnHash {
  keyId: string;
  hash: string;
}

/** A hashed column's value: 64 lowercase hex digits. */
export const columnHashesSchema = z.array(
  z.object({ keyId: z.string().min(1).max(64), hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits') }),
);

const EMAIL_COLUMNS: ReadonlySet<string> = new Set(SUBJECT_COLUMNS.email);
const CUSTOMER_ID_COLUMNS: ReadonlySet<string> = new Set(SUBJECT_COLUMNS.customerId);

/**
 * The text a column's value is hashed as. A column erasure finds a subject by is hashed in the form
 * erasure compares (an email trimmed and in lower case, a customer id trimmed), so that a hashed
 * `Ada@X.io` is still found by a request for `ada@x.io`; any other column is hashed as it is.
 */
function hashedForm(column: string, value: string): string {
  // Blank names no one: kept as it is, so that blanks of different lengths do not become one value.
  if (value.trim() === '') return value;
  if (EMAIL_COLUMNS.has(column)) return value.trim().toLowerCase();
  if (CUSTOMER_ID_COLUMNS.has(column)) return value.trim();
  return value;
}

export class ColumnHasher {
  private readonly hmac: RingHmac;

  constructor(private readonly ring: KeyRing) {
    this.hmac = new RingHmac(ring, HKDF_SALT);
  }

  /** Lowercase hex, 64 characters, under the ring's active key. Text is hashed as it is: `A@x.io` and `a@x.io` differ. */
  hash(value: string): string {
    return this.hmac.hex(this.ring.activeKeyId, value);
  }

  /** A value of the column hashed as applyPersonalColumns stores it. */
  hashColumn(column: string, value: string): string {
    return this.hash(hashedForm(column, value));
  }

  /**
   * Every hash the subject's email or customer id may be stored as in a hashed column, with the key it
   * is under: under each key of the ring (rows hashed before a rotation hold an older key's), in the
   * form hashed today and, for an email, as the request writes it (rows hashed before emails were
   * lowercased hold the source's letter case; one written otherwise cannot be found).
   */
  subjectHashes(subject: ErasureSubject): ColumnHash[] {
    const forms = 'email' in subject ? [subject.email.trim().toLowerCase(), subject.email.trim()] : [subject.customerId.trim()];
    return this.ring.keyIds.flatMap((keyId) => [...new Set(forms)].map((form) => ({ keyId, hash: this.hmac.hex(keyId, form) })));
  }
}

/**
 * Whether the connector hashes or drops a column an erased subject is recognised by in the stream:
 * its rows must then be screened against the suppression list before that is done.
 */
export function hidesSubjectColumns(personalColumns: PersonalColumns | undefined, stream: string): boolean {
  const actions = personalActionsFor(personalColumns, stream);
  return [...EMAIL_COLUMNS, ...CUSTOMER_ID_COLUMNS].some((column) => actions.has(column));
}

/** Rows with the stream's hashed columns hashed (nulls stay null) and its dropped columns left out. */
export function applyPersonalColumns(
  rows: Row[],
  personalColumns: PersonalColumns | undefined,
  stream: string,
  hasher: ColumnHasher,
): Row[] {
  const actions = personalActionsFor(personalColumns, stream);
  if (actions.size === 0) return rows;
  return rows.map((row) => {
    const screened: Row = { ...row };
    const held = screened[UNCONVERTIBLE];
    if (typeof held === 'object' && held !== null) {
      // A raw value the mapper could not convert is the column's value too: it goes with the column.
      const kept = Object.entries(held).filter(([column]) => !actions.has(column));
      if (kept.length > 0) screened[UNCONVERTIBLE] = Object.fromEntries(kept);
      else delete screened[UNCONVERTIBLE];
    }
    for (const [column, action] of actions) {
      if (action === 'drop') delete screened[column];
      else if (typeof screened[column] === 'string') screened[column] = hasher.hashColumn(column, screened[column]);
      else if (screened[column] !== null && screened[column] !== undefined)
        screened[column] = hasher.hash(JSON.stringify(screened[column]));
    }
    return screened;
  });
}
