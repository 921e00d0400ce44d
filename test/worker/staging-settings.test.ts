/** STAGING_URL and its S3 settings: a folder by default, a bucket when asked, refused with the variable named. */
import path from 'node:path';
import { loadSettings } from '../../worker/settings';

test('unset, staging is the staging folder under DATA_DIR', () => {
  expect(loadSettings({ DATA_DIR: '/srv/ih' }).staging).toEqual({ kind: 'folder', path: '/srv/ih/staging' });
});

test('a path or a file:// URL is a folder', () => {
  expect(loadSettings({ STAGING_URL: 'shared/staging' }).staging).toEqual({ kind: 'folder', path: path.resolve('shared/staging') });
  expect(loadSettings({ STAGING_URL: 'file:///mnt/nfs/staging' }).staging).toEqual({ kind: 'folder', path: '/mnt/nfs/staging' });
});

test('s3://bucket/prefix on a server of its own is addressed by path', () => {
  expect(loadSettings({ STAGING_URL: 's3://insight-hub/staging/', STAGING_S3_ENDPOINT: 'http://minio:9000' }).staging).toEqual({
    kind: 's3',
    bucket: 'insight-hub',
    prefix: 'staging/',
    endpoint: 'http://minio:9000',
    region: 'us-east-1',
    forcePathStyle: true,
  });
});

test('s3://bucket on AWS is addressed by virtual host, in the region given', () => {
  expect(loadSettings({ STAGING_URL: 's3://insight-hub', STAGING_S3_REGION: 'eu-west-1' }).staging).toEqual({
    kind: 's3',
    bucket: 'insight-hub',
    prefix: '',
    endpoint: undefined,
    region: 'eu-west-1',
    forcePathStyle: false,
  });
});

test.each([
  [{ STAGING_URL: 's3://Bad_Bucket/x' }, /STAGING_URL: "s3:\/\/Bad_Bucket\/x" is not s3:\/\/<bucket>\/<prefix>/],
  [{ STAGING_URL: 'gs://bucket/x' }, /STAGING_URL: "gs:\/\/bucket\/x" is neither a folder, a file:\/\/ URL nor s3:\/\/<bucket>\/<prefix>/],
  [{ STAGING_URL: 's3://b1/x', STAGING_S3_ENDPOINT: 'minio:9000' }, /STAGING_S3_ENDPOINT: must be an http\(s\) URL/],
  [{ STAGING_URL: 's3://b1/x', STAGING_S3_FORCE_PATH_STYLE: 'yes' }, /STAGING_S3_FORCE_PATH_STYLE: must be true or false/],
  [
    { STAGING_S3_ENDPOINT: 'http://minio:9000' },
    /STAGING_S3_ENDPOINT, STAGING_S3_REGION and STAGING_S3_FORCE_PATH_STYLE apply to an s3:\/\/ STAGING_URL only/,
  ],
])('%j is refused', (env, message) => {
  expect(() => loadSettings(env)).toThrow(message);
});
