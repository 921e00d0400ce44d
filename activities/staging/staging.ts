/**
 * Staging for the claim check: batches are content-addressed NDJSON files, so writing the same rows
 * twice yields the same file and the same BatchRef. Kept in a local folder or in S3-compatible object
 * storage (objects.ts), the same way on both. Given a key ring, files are encrypted at rest
 * (sealed-file.ts); the address stays the hash of the plaintext, so the same rows still make the same
 * BatchRef. Files staged before encryption still read.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BatchRef, StreamCursor } from '../../domain/cycle';
import type { StreamDefinition } from '../../domain/streams/types';
import type { KeyRing } from '../secrets/key-ring';
import type { Row } from '../sources/types';
import { FolderObjects } from './folder-objects';
import type { StagedObject, StagedObjects } from './objects';
import { discardAbandonedCopies, LONGEST_LOAD_MS, OPENED_DIR, openPlainCopyFolder, type PlainCopyFolder } from './plain-copies';
import { isSealedFile, openIfSealed, sealStream } from './sealed-file';

/** A short fingerprint of the stream's columns and types. */
export function schemaFingerprint(stream: StreamDefinition): string {
  const shape = stream.columns.map((c) => `${c.name}:${c.type}`).join(',');
  return createHash('sha256').update(shape).digest('hex').slice(0, 16);
}

/** Where the objects are, and the local folder loads decrypt batches into. */
export interface StagingPlace {
  objects: StagedObjects;
  copiesDir: string;
}

/** NDJSON bytes of rows encoded a line each, encoded once: the hash, the file and its size all read these. */
const ndjson = (lines: readonly string[]): Buffer => Buffer.from(lines.join('\n') + (lines.length ? '\n' : ''));

/** A row's line in a staged file. */
export const stagedLine = (row: Row): string => JSON.stringify(row);

export class Staging {
  readonly objects: StagedObjects;
  private readonly copiesDir: string;

  /**
   * A folder (its path), or objects elsewhere. Without keys, files are plain NDJSON (tests and
   * benches that hand files to warehouses directly).
   */
  constructor(
    place: string | StagingPlace,
    private readonly keys?: KeyRing,
  ) {
    if (typeof place === 'string') {
      this.objects = new FolderObjects(place);
      this.copiesDir = path.join(place, OPENED_DIR);
    } else {
      this.objects = place.objects;
      this.copiesDir = place.copiesDir;
    }
  }

  /** Writes rows as one content-addressed NDJSON file under `<area>/` and returns its ref. */
  writeBatch(area: string, stream: StreamDefinition, rows: readonly Row[], cursorAfter: StreamCursor | null): Promise<BatchRef> {
    return this.writeLines(area, stream, rows.map(stagedLine), cursorAfter);
  }

  /**
   * Writes rows already encoded, a `stagedLine` each: the same file and ref as writeBatch of those
   * rows. A reader that writes rows it read unchanged passes their lines from readLines, sparing
   * the JSON encoding of every row again: JSON.parse then JSON.stringify gives back the line
   * JSON.stringify wrote.
   */
  async writeLines(area: string, stream: StreamDefinition, lines: readonly string[], cursorAfter: StreamCursor | null): Promise<BatchRef> {
    const body = ndjson(lines);
    const sha256 = createHash('sha256').update(body).digest('hex');
    const key = `${area}/${sha256}.ndjson`;
    await this.objects.put(key, this.sealed(body));
    return {
      uri: this.objects.uriOf(key),
      stream: stream.name,
      rows: lines.length,
      bytes: body.length,
      sha256,
      schema: schemaFingerprint(stream),
      cursorAfter,
    };
  }

  /**
   * Replaces a staged file's rows under its own key (an erasure), so a reference a waiting cycle
   * holds still finds its batch. Its name no longer is the hash of what it holds.
   */
  async replaceRows(key: string, rows: readonly Row[]): Promise<void> {
    await this.objects.put(key, this.sealed(ndjson(rows.map(stagedLine))));
  }

  /** Streams a batch's rows back, one object per line. */
  async *readBatch(ref: Pick<BatchRef, 'uri'>): AsyncGenerator<Row> {
    const lines = createInterface({ input: await this.plainStream(this.objects.keyOf(ref.uri)), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line) yield JSON.parse(line) as Row;
    }
  }

  /**
   * A batch's lines, each one row's JSON, all at once, for a reader that holds its rows anyway (the
   * quality gate, combinePages, the load's screen): the file is read whole and split in one go. A line
   * at a time through readline costs a promise per row, and each waits its turn behind whatever else
   * the worker's thread is doing (the next page's parse), which made reading a 10k-row batch several
   * times slower than parsing it. A reader that writes rows on unchanged passes their lines to
   * writeLines.
   */
  async readLines(ref: Pick<BatchRef, 'uri'>): Promise<string[]> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.plainStream(this.objects.keyOf(ref.uri))) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '');
  }

  /** Every staged file whose key starts with `prefix`. */
  list(prefix: string): AsyncIterable<StagedObject> {
    return this.objects.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.objects.delete(key);
  }

  /**
   * Runs `use` with plain NDJSON paths for staged files (their URIs, or paths in a staging folder),
   * for readers that take a path (warehouse loaders): a sealed file, or one in object storage, is
   * copied in plain for this load alone (plain-copies.ts: on Linux the plaintext has no name on disk)
   * and let go of when `use` settles.
   */
  async withPlainFiles<T>(files: readonly (string | null)[], use: (plain: (string | null)[]) => Promise<T>): Promise<T> {
    const folder = await openPlainCopyFolder(this.copiesDir);
    try {
      const plain = await Promise.all(files.map(async (file) => (file === null ? null : this.plainCopy(file, folder))));
      return await use(plain);
    } finally {
      await folder.close();
    }
  }

  /**
   * Removes what loads that never reached their `finally` (a worker killed mid-load) left in this
   * host's copies folder: every folder no running load uses. One another host made (several workers
   * sharing a data folder), or an older version, only once older than `foreignAfterMs`.
   */
  discardStalePlainCopies(foreignAfterMs: number = LONGEST_LOAD_MS, now: Date = new Date()): Promise<number> {
    return discardAbandonedCopies(this.copiesDir, foreignAfterMs, now);
  }

  async exists(ref: Pick<BatchRef, 'uri'>): Promise<boolean> {
    return this.objects.exists(this.objects.keyOf(ref.uri));
  }

  async close(): Promise<void> {
    await this.objects.close();
  }

  private async plainCopy(file: string, folder: PlainCopyFolder): Promise<string> {
    const key = this.objects.keyOf(/^[a-z][a-z0-9+.-]*:/i.test(file) ? file : pathToFileURL(file).href);
    const local = this.objects.localPath(key);
    if (local !== null && !(await isSealedFile(local))) return local;
    return folder.add(path.posix.basename(key), await this.plainStream(key));
  }

  private async plainStream(key: string): Promise<Readable> {
    const input = await this.objects.get(key);
    const opener = openIfSealed(this.keys, this.objects.uriOf(key));
    // A read error reaches the consumer through the opener, which is what it iterates.
    input.once('error', (error) => opener.destroy(error));
    return input.pipe(opener);
  }

  private sealed(body: Buffer): Readable {
    const plain = Readable.from([body]);
    return this.keys ? plain.pipe(sealStream(this.keys)) : plain;
  }
}

/** The path of a batch staged in a folder. */
export function localPath(ref: Pick<BatchRef, 'uri'>): string {
  return fileURLToPath(ref.uri);
}
