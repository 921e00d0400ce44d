/**
 * Staging for the claim check: batches are content-addressed NDJSON files, so writing the same rows
 * twice yields the same file and the same BatchRef. A local folder here; object storage in production.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BatchRef, StreamCursor } from '../../domain/cycle';
import type { StreamDefinition } from '../../domain/streams/types';
import type { Row } from '../sources/types';

/** A short fingerprint of the stream's columns and types. */
export function schemaFingerprint(stream: StreamDefinition): string {
  const shape = stream.columns.map((c) => `${c.name}:${c.type}`).join(',');
  return createHash('sha256').update(shape).digest('hex').slice(0, 16);
}

export class Staging {
  constructor(readonly root: string) {}

  /** Writes rows as one content-addressed NDJSON file under `<root>/<area>/` and returns its ref. */
  async writeBatch(
    area: string,
    stream: StreamDefinition,
    rows: readonly Row[],
    cursorAfter: StreamCursor | null,
  ): Promise<BatchRef> {
    const body = rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : '');
    const sha256 = createHash('sha256').update(body).digest('hex');
    const dir = path.join(this.root, area);
    const file = path.join(dir, `${sha256}.ndjson`);
    await mkdir(dir, { recursive: true });
    // Write then rename: a reader never sees half a batch, and a rewrite of the same content is harmless.
    const temp = `${file}.${randomUUID()}.tmp`;
    await writeFile(temp, body);
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
    const lines = createInterface({ input: createReadStream(localPath(ref)), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line) yield JSON.parse(line) as Row;
    }
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
