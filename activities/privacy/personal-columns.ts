/**
 * Personal columns hashed or dropped as a page is read, before its rows are staged
 * (domain/personal-columns.ts). A hash is HMAC-SHA-256 under a key derived (HKDF) from the active key
 * of the worker's secrets ring: the same value gives the same hash in every connector and on every
 * worker given the same ring, so hashed columns still join; without the key a hash cannot be
 * reversed by guessing. Rotating the ring's active key changes the hashes of rows read after it.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { personalActionsFor, type PersonalColumns } from '../../domain/personal-columns';
import type { KeyRing } from '../secrets';
import { UNCONVERTIBLE, type Row } from '../sources/types';

const HKDF_SALT = 'insight-hub/personal-columns/v1';

export class ColumnHasher {
  private readonly key: Buffer;

  constructor(ring: KeyRing) {
    this.key = Buffer.from(hkdfSync('sha256', ring.keyFor(ring.activeKeyId), HKDF_SALT, ring.activeKeyId, 32));
  }

  /** Lowercase hex, 64 characters. Text is hashed as it is: `A@x.io` and `a@x.io` differ. */
  hash(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('hex');
  }
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
      else if (typeof screened[column] === 'string') screened[column] = hasher.hash(screened[column]);
      else if (screened[column] !== null && screened[column] !== undefined)
        screened[column] = hasher.hash(JSON.stringify(screened[column]));
    }
    return screened;
  });
}
