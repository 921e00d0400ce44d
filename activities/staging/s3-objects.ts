/**
 * Staged objects in S3-compatible object storage (AWS S3, MinIO, SeaweedFS, Ceph…), so workers on
 * several hosts share every batch. Large batches go up in parts (lib-storage's multipart Upload,
 * one PUT below a part's size); a PUT replaces an object whole, so a reader never sees half a batch.
 * Credentials come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a
 * profile, an instance role); the bucket is created when it does not exist yet.
 */
import { Readable } from 'node:stream';
import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NotFound,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ConnectorError } from '../errors';
import type { StagedObject, StagedObjects } from './objects';

export interface S3Location {
  bucket: string;
  /** Prepended to every key: '' or ending with '/'. */
  prefix: string;
  /** A server other than AWS (http://minio:9000); AWS's own endpoint for the region when unset. */
  endpoint?: string | undefined;
  region: string;
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key`: what most S3-compatible servers need. */
  forcePathStyle: boolean;
}

/** Bytes per uploaded part: S3's least is 5 MiB; a batch under this is one PUT. */
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;

const isNotFound = (error: unknown): boolean =>
  error instanceof NotFound || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404);

export class S3Objects implements StagedObjects {
  private readonly client: S3Client;

  private constructor(readonly location: S3Location) {
    this.client = new S3Client({
      region: location.region,
      forcePathStyle: location.forcePathStyle,
      ...(location.endpoint && { endpoint: location.endpoint }),
    });
  }

  /** Connects, creating the bucket when the server has none of that name. */
  static async open(location: S3Location): Promise<S3Objects> {
    const objects = new S3Objects(location);
    await objects.ensureBucket();
    return objects;
  }

  uriOf(key: string): string {
    return `s3://${this.location.bucket}/${this.location.prefix}${key}`;
  }

  keyOf(uri: string): string {
    const base = this.uriOf('');
    if (!uri.startsWith(base) || uri.length === base.length) {
      throw new ConnectorError('data', `staged file ${uri} is not in the staging bucket ${base}`);
    }
    return uri.slice(base.length);
  }

  async put(key: string, body: Readable): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.location.bucket, Key: this.objectKey(key), Body: body },
      partSize: UPLOAD_PART_BYTES,
      queueSize: 2,
    });
    await upload.done();
  }

  async get(key: string): Promise<Readable> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key) }));
    if (!(Body instanceof Readable)) throw new Error(`staged object ${this.uriOf(key)} came without a readable body`);
    return Body;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<StagedObject> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.location.bucket, Prefix: this.objectKey(prefix) });
    for await (const page of pages) {
      for (const { Key, LastModified } of page.Contents ?? []) {
        if (Key === undefined || LastModified === undefined) continue;
        yield { key: Key.slice(this.location.prefix.length), modifiedAt: LastModified };
      }
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key) }));
  }

  localPath(): null {
    return null;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    return `${this.location.prefix}${key}`;
  }

  private async ensureBucket(): Promise<void> {
    const Bucket = this.location.bucket;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // Another worker starting at the same time may create it first.
      await this.client.send(new CreateBucketCommand({ Bucket })).catch((failure: unknown) => {
        if (!(failure instanceof BucketAlreadyOwnedByYou)) throw failure;
      });
    }
  }
}
