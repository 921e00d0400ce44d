/**
 * Where staging is, from STAGING_URL: a local folder (a path or a file:// URL; DATA_DIR/staging by
 * default) or `s3://bucket/prefix` for S3-compatible object storage, with the endpoint, region and
 * addressing style of a server other than AWS.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KeyRing } from '../secrets/key-ring';
import { OPENED_DIR } from './plain-copies';
import type { S3Location } from './s3-objects';
import { Staging } from './staging';

export type StagingLocation = { kind: 'folder'; path: string } | ({ kind: 's3' } & S3Location);

export interface S3Settings {
  endpoint?: string | undefined;
  region?: string | undefined;
  forcePathStyle?: boolean | undefined;
}

const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/** The location a STAGING_URL names; throws a message saying what the URL must be. */
export function parseStagingUrl(url: string, s3: S3Settings = {}): StagingLocation {
  if (url.startsWith('s3://')) {
    const match = S3_URL.exec(url);
    if (!match) throw new Error(`"${url}" is not s3://<bucket>/<prefix> with a bucket name of 3 to 63 lowercase letters, digits, . and -`);
    const [, bucket = '', rest = ''] = match;
    const prefix = rest.replace(/^\/+|\/+$/g, '');
    return {
      kind: 's3',
      bucket,
      prefix: prefix === '' ? '' : `${prefix}/`,
      endpoint: s3.endpoint,
      region: s3.region ?? 'us-east-1',
      // A server of one's own is addressed by path; AWS by virtual host.
      forcePathStyle: s3.forcePathStyle ?? s3.endpoint !== undefined,
    };
  }
  if (url.startsWith('file:')) return { kind: 'folder', path: fileURLToPath(url) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new Error(`"${url}" is neither a folder, a file:// URL nor s3://<bucket>/<prefix>`);
  return { kind: 'folder', path: path.resolve(url) };
}

/**
 * Staging at the location: files sealed with `keys` when given. Loads decrypt their batches into
 * `localDir` (a folder of this host: DATA_DIR/staging) when staging is not a folder of its own.
 */
export async function openStaging(location: StagingLocation, options: { keys?: KeyRing | undefined; localDir: string }): Promise<Staging> {
  if (location.kind === 'folder') return new Staging(location.path, options.keys);
  // The AWS SDK is loaded only by a worker that stages in a bucket.
  const { S3Objects } = await import('./s3-objects');
  const objects = await S3Objects.open(location);
  return new Staging({ objects, copiesDir: path.join(options.localDir, OPENED_DIR) }, options.keys);
}

/** A location said without its credentials (there are none in it) for the log. */
export const describeStaging = (location: StagingLocation): string =>
  location.kind === 'folder'
    ? location.path
    : `s3://${location.bucket}/${location.prefix}${location.endpoint ? ` at ${location.endpoint}` : ''}`;
