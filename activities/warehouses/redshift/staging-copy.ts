/**
 * Filling a staging table through S3: the rows are written as NDJSON objects keyed by column name
 * to a scratch file, uploaded to the staging bucket, and loaded with one COPY … FORMAT JSON 'auto'
 * (no size limit, and Redshift reads the object in parallel). The object is deleted afterwards.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { quoteIdentifier, quoteLiteral } from '../sql';
import type { DataApi } from './connection';
import { fromAwsError } from './errors';
import type { StagedRow } from './staged-rows';

export interface S3Staging {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix, ending with `/` when it names a folder. */
  readonly prefix: string;
  /** The role Redshift assumes to read the bucket. */
  readonly iamRoleArn: string;
}

/** Writes the rows as NDJSON objects; returns how many. */
async function writeNdjson(file: string, columns: readonly string[], rows: AsyncIterable<StagedRow>): Promise<number> {
  const out = createWriteStream(file);
  const closed = once(out, 'close');
  let count = 0;
  try {
    for await (const row of rows) {
      const line = `${JSON.stringify(Object.fromEntries(columns.map((column, i) => [column, row[i] ?? null])))}\n`;
      if (!out.write(line)) await once(out, 'drain');
      count += 1;
    }
  } finally {
    out.end();
    await closed;
  }
  return count;
}

/** COPYs the rows into `table` (qualified, quoted) through `s3://bucket/<prefix><key>`; returns how many. */
export async function copyRows(
  api: DataApi,
  s3: S3Staging,
  table: string,
  columns: readonly string[],
  rows: AsyncIterable<StagedRow>,
  key: string,
): Promise<number> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'ih-redshift-'));
  const objectKey = `${s3.prefix}${key}`;
  let uploaded = false;
  try {
    const file = path.join(scratch, 'rows.ndjson');
    const count = await writeNdjson(file, columns, rows);
    if (count === 0) return 0;
    try {
      await s3.client.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: objectKey,
          Body: createReadStream(file),
          ContentLength: (await stat(file)).size,
          ContentType: 'application/x-ndjson',
        }),
      );
      uploaded = true;
    } catch (error) {
      throw fromAwsError(error, 'S3 PutObject');
    }
    const location = quoteLiteral(`s3://${s3.bucket}/${objectKey}`);
    await api.execute(
      `COPY ${table} (${columns.map(quoteIdentifier).join(', ')}) FROM ${location}
       IAM_ROLE ${quoteLiteral(s3.iamRoleArn)} FORMAT AS JSON 'auto' TIMEFORMAT 'auto' DATEFORMAT 'auto'`,
      undefined,
      `COPY into ${table} from S3`,
    );
    return count;
  } finally {
    await rm(scratch, { recursive: true, force: true });
    if (uploaded) await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: objectKey })).catch(() => undefined);
  }
}
