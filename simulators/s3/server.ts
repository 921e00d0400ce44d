/**
 * A minimal S3 over HTTP, path-style (the client needs `forcePathStyle: true`): PutObject, GetObject,
 * HeadObject and DeleteObject on buckets named at start, driven by the real @aws-sdk/client-s3.
 * Requests must carry a SigV4 Authorization header; the signature itself is not checked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ObjectStore, type StoredObject } from './store';
import { decodeAwsChunked, sendS3Error } from './wire';
import { listen, type ListenOptions } from '../listen';
import { readBody } from '../read-body';

export interface S3SimulatorOptions extends ListenOptions {
  buckets?: readonly string[];
  /** Access key ids accepted; any key when omitted. */
  accessKeyIds?: readonly string[];
}

export type S3Operation = 'PutObject' | 'GetObject' | 'HeadObject' | 'DeleteObject';

export interface S3Request {
  operation: S3Operation | 'Unsupported';
  method: string;
  bucket: string;
  key: string;
  status: number;
}

export interface S3Simulator {
  url: string;
  /** The simulated objects, readable in-process (Redshift's COPY reads them from here). */
  store: ObjectStore;
  requests(): readonly S3Request[];
  stop(): Promise<void>;
}

const MAX_OBJECT_BYTES = 512 * 1024 * 1024;

const readObject = (req: IncomingMessage): Promise<Buffer> =>
  readBody(req, MAX_OBJECT_BYTES, () => new Error(`object larger than ${MAX_OBJECT_BYTES} bytes`));

/** The SDK streams file bodies as aws-chunked with a trailing checksum; buffers arrive plain. */
function isAwsChunked(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'] ?? '';
  const payloadHash = req.headers['x-amz-content-sha256'];
  return encoding.includes('aws-chunked') || (typeof payloadHash === 'string' && payloadHash.startsWith('STREAMING-'));
}

function objectHeaders(object: StoredObject): Record<string, string | number> {
  return {
    'Content-Type': object.contentType,
    'Content-Length': object.body.length,
    ETag: object.etag,
    'Last-Modified': object.lastModified.toUTCString(),
  };
}

const OPERATIONS: Record<string, S3Operation> = {
  PUT: 'PutObject',
  GET: 'GetObject',
  HEAD: 'HeadObject',
  DELETE: 'DeleteObject',
};

/** `AWS4-HMAC-SHA256 Credential=AKID/date/region/s3/aws4_request, …` → AKID. */
function accessKeyOf(req: IncomingMessage): string | null {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\//.exec(req.headers.authorization ?? '');
  return match?.[1] ?? null;
}

export async function startS3Simulator(options: S3SimulatorOptions = {}): Promise<S3Simulator> {
  const store = new ObjectStore(options.buckets ?? []);
  const log: S3Request[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse, entry: S3Request): Promise<void> {
    const requestId = randomUUID();
    const withBody = req.method !== 'HEAD';
    const fail = (status: number, code: string, message: string): void => sendS3Error(res, status, code, message, requestId, withBody);
    const accessKey = accessKeyOf(req);
    if (!accessKey) return fail(403, 'AccessDenied', 'Missing or malformed SigV4 Authorization header');
    if (options.accessKeyIds && !options.accessKeyIds.includes(accessKey)) {
      return fail(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    }
    if (entry.operation === 'Unsupported') return fail(501, 'NotImplemented', 'The simulator serves object operations only');
    if (!store.hasBucket(entry.bucket)) return fail(404, 'NoSuchBucket', 'The specified bucket does not exist');

    switch (entry.operation) {
      case 'PutObject': {
        const raw = await readObject(req);
        const body = isAwsChunked(req) ? decodeAwsChunked(raw) : raw;
        const stored = store.put(entry.bucket, entry.key, body, req.headers['content-type'] ?? 'application/octet-stream');
        res.writeHead(200, { ETag: stored.etag, 'x-amz-request-id': requestId }).end();
        return;
      }
      case 'GetObject':
      case 'HeadObject': {
        const object = store.get(entry.bucket, entry.key);
        if (!object) return fail(404, 'NoSuchKey', 'The specified key does not exist.');
        res.writeHead(200, { ...objectHeaders(object), 'x-amz-request-id': requestId });
        res.end(entry.operation === 'GetObject' ? object.body : undefined);
        return;
      }
      case 'DeleteObject':
        store.delete(entry.bucket, entry.key);
        res.writeHead(204, { 'x-amz-request-id': requestId }).end();
        return;
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://s3.local');
    const [bucket = '', ...keyParts] = url.pathname.slice(1).split('/').map(decodeURIComponent);
    const key = keyParts.join('/');
    const operation = (key && OPERATIONS[req.method ?? '']) || 'Unsupported';
    const entry: S3Request = { operation, method: req.method ?? '', bucket, key, status: 0 };
    res.on('finish', () => log.push({ ...entry, status: res.statusCode }));
    handle(req, res, entry).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendS3Error(res, 500, 'InternalError', message, randomUUID(), req.method !== 'HEAD');
      else res.destroy();
    });
  });
  const { host, port } = await listen(server, options);
  return {
    url: `http://${host}:${port}`,
    store,
    requests: () => [...log],
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
