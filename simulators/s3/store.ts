/** The objects an S3 simulator holds, by bucket; other simulators (Redshift's COPY) read them in-process. */
import { createHash } from 'node:crypto';

export interface StoredObject {
  readonly body: Buffer;
  readonly contentType: string;
  /** Quoted MD5 of the body, as S3 reports it for single-part uploads. */
  readonly etag: string;
  readonly lastModified: Date;
}

export class ObjectStore {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  constructor(bucketNames: readonly string[]) {
    for (const name of bucketNames) this.createBucket(name);
  }

  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  put(bucket: string, key: string, body: Buffer, contentType: string): StoredObject {
    const stored: StoredObject = {
      body,
      contentType,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      lastModified: new Date(),
    };
    this.objectsOf(bucket).set(key, stored);
    return stored;
  }

  get(bucket: string, key: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  delete(bucket: string, key: string): void {
    this.buckets.get(bucket)?.delete(key);
  }

  /** Keys starting with `prefix`, in lexical order (as S3 lists them). */
  keys(bucket: string, prefix = ''): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].filter((key) => key.startsWith(prefix)).sort();
  }

  private objectsOf(bucket: string): Map<string, StoredObject> {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new Error(`no bucket ${bucket}`);
    return objects;
  }
}
