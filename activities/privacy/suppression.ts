/**
 * The suppression list as the load path uses it: a row whose email or customer id hashes to a listed
 * subject is dropped before it is merged. Hashing happens here, in the worker; the list is small
 * (one entry per person erased).
 */
import type { BatchRef } from '../../domain/cycle';
import { subjectValues } from '../../domain/privacy';
import type { Row } from '../sources/types';
import { SubjectHasher, subjectText } from './subject-hash';
import type { KeyRing } from '../secrets';

export interface SuppressedHash {
  keyId: string;
  hash: string;
  /**
   * `subject` (the default): the subject's keyed hash, matched by hashing a row's email or customer id.
   * `column`: the value a hashed column holds for the subject (ColumnHasher.subjectHashes), matched as it is.
   */
  form?: 'subject' | 'column';
}

const entryKey = ({ keyId, hash, form = 'subject' }: SuppressedHash): string => `${form} ${keyId}:${hash}`;

export class SuppressionList {
  private readonly entries: ReadonlyMap<string, SuppressedHash>;
  private readonly hashes: ReadonlySet<string>;
  private readonly columnHashes: ReadonlySet<string>;
  private readonly keyIds: readonly string[];
  private readonly hasher: SubjectHasher;

  constructor(
    private readonly ring: KeyRing,
    entries: readonly SuppressedHash[],
  ) {
    this.hasher = new SubjectHasher(ring);
    this.entries = new Map(entries.map((entry) => [entryKey(entry), entry]));
    const subjects = entries.filter((entry) => (entry.form ?? 'subject') === 'subject');
    this.hashes = new Set(subjects.map(({ keyId, hash }) => `${keyId}:${hash}`));
    this.columnHashes = new Set(entries.filter((entry) => entry.form === 'column').map((entry) => entry.hash));
    // A hash under a key the ring no longer holds can match nothing: skip it rather than fail every load.
    const held = new Set(ring.keyIds);
    this.keyIds = [...new Set(subjects.map((entry) => entry.keyId))].filter((id) => held.has(id));
  }

  /** Entries listed: a subject's keyed hash, and the hashed-column values of it. */
  get size(): number {
    return this.entries.size;
  }

  /** The subjects this list holds that `earlier` did not: those erased since a batch was screened against it. */
  since(earlier: SuppressionList): SuppressionList {
    return new SuppressionList(
      this.ring,
      [...this.entries].filter(([key]) => !earlier.entries.has(key)).map(([, entry]) => entry),
    );
  }

  /** Whether both list the same subjects. */
  sameAs(other: SuppressionList): boolean {
    return this.entries.size === other.entries.size && [...other.entries.keys()].every((key) => this.entries.has(key));
  }

  /**
   * True when the row's email or customer id (as loaded) belongs to a suppressed subject: its keyed
   * hash is listed, or the value is one a hashed column holds for a listed subject.
   */
  matches(row: Row): boolean {
    if (this.entries.size === 0) return false;
    const { emails, customerIds } = subjectValues(row);
    if (this.columnHashes.size > 0 && [...emails, ...customerIds].some((value) => this.columnHashes.has(value))) return true;
    const texts = [...emails.map((email) => subjectText({ email })), ...customerIds.map((customerId) => subjectText({ customerId }))];
    return texts.some((text) => this.keyIds.some((keyId) => this.hashes.has(`${keyId}:${this.hasher.hashText(keyId, text)}`)));
  }
}

/** Batches between their quality gate and their load in one worker, at most: a few per stream being read. */
const SCREENINGS_HELD = 64;

/**
 * Which suppression list the quality gate screened a batch's clean and quarantined rows against in
 * this worker, until the batch's load takes it (LoadRequest.screenedAgainst). Bounded: an entry whose
 * load runs on another worker, or never, gives way to newer ones, and a load that finds none screens
 * against the whole list. Keyed by the staged files' URIs, which name their content: the files the
 * load is given are the files that were screened (an erasure rewriting one since only took rows out).
 */
export class GateScreenings {
  private readonly lists = new Map<string, SuppressionList>();
  /** The list remembered last: batches screened against the same subjects share it, so what is held is about one list. */
  private latest: SuppressionList | null = null;

  remember(batches: ScreenedFiles, list: SuppressionList): void {
    if (!batches.clean && !batches.quarantine) return;
    if (!this.latest?.sameAs(list)) this.latest = list;
    const key = screeningKey(batches);
    this.lists.delete(key);
    this.lists.set(key, this.latest);
    for (const oldest of this.lists.keys()) {
      if (this.lists.size <= SCREENINGS_HELD) break;
      this.lists.delete(oldest);
    }
  }

  take(batches: ScreenedFiles): SuppressionList | undefined {
    const key = screeningKey(batches);
    const list = this.lists.get(key);
    this.lists.delete(key);
    return list;
  }
}

type ScreenedFiles = { clean: Pick<BatchRef, 'uri'> | null; quarantine: Pick<BatchRef, 'uri'> | null };

const screeningKey = ({ clean, quarantine }: ScreenedFiles): string => `${clean?.uri ?? ''} ${quarantine?.uri ?? ''}`;
