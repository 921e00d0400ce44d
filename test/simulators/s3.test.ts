/**
 * The S3 simulator driven by the real @aws-sdk/client-s3, path-style: what the Redshift plug-in's
 * staging uploads rely on (streamed file bodies, reads, existence checks, deletes, error codes).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startS3Simulator, type S3Simulator } from '../../simulators/s3/server';

let sim: S3Simulator;
let dir: string;
beforeAll(async () => {
  sim = await startS3Simulator({ buckets: ['staging'], accessKeyIds: ['AKIDSIM'] });
  dir = await mkdtemp(path.join(tmpdir(), 'ih-s3-'));
});
afterAll(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

const client = (accessKeyId = 'AKIDSIM'): S3Client =>
  new S3Client({
    region: 'us-east-1',
    endpoint: sim.url,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey: 'sim-secret' },
    maxAttempts: 1,
  });

test('a streamed file is stored byte for byte and read back', async () => {
  const file = path.join(dir, 'batch.ndjson');
  const body = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `p${i}`, score: i })).join('\n') + '\n';
  await writeFile(file, body);
  const s3 = client();
  await s3.send(
    new PutObjectCommand({
      Bucket: 'staging',
      Key: 'loads/a b/clean.ndjson',
      Body: createReadStream(file),
      ContentLength: (await stat(file)).size,
      ContentType: 'application/x-ndjson',
    }),
  );

  expect(sim.store.get('staging', 'loads/a b/clean.ndjson')?.body.toString()).toBe(body);
  const got = await s3.send(new GetObjectCommand({ Bucket: 'staging', Key: 'loads/a b/clean.ndjson' }));
  expect(await got.Body?.transformToString()).toBe(body);
  expect(got.ContentType).toBe('application/x-ndjson');
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'staging', Key: 'loads/a b/clean.ndjson' }));
  expect(head.ContentLength).toBe(Buffer.byteLength(body));
  expect(sim.store.keys('staging', 'loads/')).toEqual(['loads/a b/clean.ndjson']);
});

test('deleted and missing objects answer NoSuchKey and NotFound; deletes are idempotent', async () => {
  const s3 = client();
  await s3.send(new PutObjectCommand({ Bucket: 'staging', Key: 'gone.txt', Body: Buffer.from('x') }));
  await s3.send(new DeleteObjectCommand({ Bucket: 'staging', Key: 'gone.txt' }));
  await s3.send(new DeleteObjectCommand({ Bucket: 'staging', Key: 'gone.txt' }));

  await expect(s3.send(new GetObjectCommand({ Bucket: 'staging', Key: 'gone.txt' }))).rejects.toBeInstanceOf(NoSuchKey);
  await expect(s3.send(new HeadObjectCommand({ Bucket: 'staging', Key: 'gone.txt' }))).rejects.toBeInstanceOf(NotFound);
});

test('an unknown bucket and an unknown access key are refused with their S3 codes', async () => {
  await expect(client().send(new PutObjectCommand({ Bucket: 'elsewhere', Key: 'k', Body: Buffer.from('x') }))).rejects.toMatchObject({
    name: 'NoSuchBucket',
    $metadata: { httpStatusCode: 404 },
  });
  await expect(
    client('AKIDOTHER').send(new PutObjectCommand({ Bucket: 'staging', Key: 'k', Body: Buffer.from('x') })),
  ).rejects.toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
  expect(sim.store.get('staging', 'k')).toBeUndefined();
});

test('a request without a SigV4 signature is refused', async () => {
  const response = await fetch(`${sim.url}/staging/k`, { method: 'PUT', body: 'x' });
  expect(response.status).toBe(403);
  expect(await response.text()).toContain('<Code>AccessDenied</Code>');
});
