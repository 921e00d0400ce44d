/**
 * Staging for the claim check: batches are content-addressed NDJSON files, so writing the same rows
 * twice yields the same file and the same BatchRef. A local folder here; object storage in production.
 * Given a key ring, files are encrypted at rest (sealed-file.ts); the address stays the hash of the
 * plaintext, so the same rows still make the same BatchRef. Files staged before encryption still read.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BatchRef, StreamCursor } from '../../domain/cycle';
import type { StreamDefinition } from '../../domain/streams/types';
import { ConnectorError } from '../errors';
import type { KeyRing } from '../secrets/key-ring';
import type { Row } from '../sources/types';
import { discardAbandonedCopies, LONGEST_LOAD_MS, OPENED_DIR, openPlainCopyFolder, type PlainCopyFolder } from './plain-copies';
import { isSealedFile, openStream, sealStream } from './sealed-file';

/** A short fingerprint of the stream's columns and types. */
export function schemaFingerprint(stream: StreamDefinition): string {
  const shape = stream.columns.map((c) => `${c.name}:${c.type}`).join(',');
  return createHash('sha256').update(shape).digest('hex').slice(0, 16);
}

export class Staging {
  /** Without keys, files are plain NDJSON (tests and benches that hand files to warehouses directly). */
  constructor(
    readonly root: string,
    private readonly keys?: KeyRing,
  ) {}

  /** Writes rows as one content-addressed NDJSON file under `<root>/<area>/` and returns its ref. */
  async writeBatch(area: string, stream: StreamDefinition, rows: readonly Row[], cursorAfter: StreamCursor | null): Promise<BatchRef> {
    const body = rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : '');
    const sha256 = createHash('sha256').update(body).digest('hex');
    const dir = path.join(this.root, area);
    const file = path.join(dir, `${sha256}.ndjson`);
    await mkdir(dir, { recursive: true });
    // Write then rename: a reader never sees half a batch, and a rewrite of the same content is harmless.
    const temp = `${file}.${randomUUID()}.tmp`;
    if (this.keys) {
      await pipeline(Readable.from([Buffer.from(body)]), sealStream(this.keys), createWriteStream(temp, { mode: 0o600 }));
    } else {
      await writeFile(temp, body);
    }
    await rename(temp, file);
    return {
      uri: pathToFileURL(file).href,
      stream: stream.name,
      rows: rows.length,
      bytes: Buffer.byteLength(body),
      sha256,
      schema: schemaFingerprint(stream),
      cursorAfter,
    };
  }

  /** Streams a batch's rows back, one object per line. */
  async *readBatch(ref: Pick<BatchRef, 'uri'>): AsyncGenerator<Row> {
    const lines = createInterface({ input: await this.plainStream(localPath(ref)), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line) yield JSON.parse(line) as Row;
    }
  }

  /**
   * Runs `use` with plain NDJSON paths for staged files, for readers that take a path (warehouse
   * loaders): sealed files are decrypted for this load alone (plain-copies.ts: on Linux the plaintext
   * has no name on disk) and let go of when `use` settles.
   */
  async withPlainFiles<T>(files: readonly (string | null)[], use: (plain: (string | null)[]) => Promise<T>): Promise<T> {
    const folder = await openPlainCopyFolder(path.join(this.root, OPENED_DIR));
    try {
      const plain = await Promise.all(files.map(async (file) => (file === null ? null : this.plainCopy(file, folder))));
      return await use(plain);
    } finally {
      await folder.close();
    }
  }

  /**
   * Removes what loads that never reached their `finally` (a worker killed mid-load) left under the
   * staging root: every folder no running load uses. One another host made (several workers sharing
   * the data folder), or an older version, only once older than `foreignAfterMs`.
   */
  discardStalePlainCopies(foreignAfterMs: number = LONGEST_LOAD_MS, now: Date = new Date()): Promise<number> {
    return discardAbandonedCopies(path.join(this.root, OPENED_DIR), foreignAfterMs, now);
  }

  private async plainCopy(file: string, folder: PlainCopyFolder): Promise<string> {
    if (!(await isSealedFile(file))) return file;
    return folder.add(file, this.opener(file));
  }

  private async plainStream(file: string): Promise<Readable> {
    if (!(await isSealedFile(file))) return createReadStream(file);
    const opener = this.opener(file);
    const input = createReadStream(file);
    // A read error reaches the consumer through the opener, which is what it iterates.
    input.once('error', (error) => opener.destroy(error));
    return input.pipe(opener);
  }

  private opener(file: string): Transform {
    if (!this.keys) {
      throw new ConnectorError('config', `staged file ${file} is encrypted, but this process was given no payload keys to read it`);
    }
    return openStream(this.keys, file);
  }

  async exists(ref: Pick<BatchRef, 'uri'>): Promise<boolean> {
    return stat(localPath(ref)).then(
      () => true,
      () => false,
    );
  }
}

export function localPath(ref: Pick<BatchRef, 'uri'>): string {
  return fileURLToPath(ref.uri);
}
