/**
 * Where staged batches are kept: the one interface both places implement, a local folder
 * (folder-objects.ts, the embedded default) and S3-compatible object storage (s3-objects.ts), so
 * several worker hosts can share a cycle's batches. Keys are `/`-separated paths relative to the
 * staging root, as `<connectorId>/<stream>/…/<sha256>.ndjson`; Staging (staging.ts) adds content
 * addressing and encryption on top, the same on both.
 */
import type { Readable } from 'node:stream';

export interface StagedObject {
  key: string;
  /** When it was last written: what retention sweeps measure a file's age by. */
  modifiedAt: Date;
}

export interface StagedObjects {
  /** The URI a BatchRef carries (`file://…` or `s3://bucket/prefix/…`). */
  uriOf(key: string): string;
  /** The key of a URI of this place; refuses one of another place. */
  keyOf(uri: string): string;
  /** Writes the object whole or not at all, replacing one of the same key. */
  put(key: string, body: Readable): Promise<void>;
  /** The object's bytes; fails when there is none. */
  get(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix` ('' for all). */
  list(prefix: string): AsyncIterable<StagedObject>;
  /** Removes the object; nothing when it is gone already. */
  delete(key: string): Promise<void>;
  /** A local path holding the object's bytes, when the place is a folder: a plain file is loaded from it in place. */
  localPath(key: string): string | null;
  close(): Promise<void>;
}
